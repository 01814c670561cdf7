//! The node list: search by name, filter by state and environment, sort by any column, paginate.

use axum::extract::{Query, State};
use axum::response::Response;
use maud::html;
use serde::Deserialize;

use super::{error_page, respond};
use crate::store::{NodeQuery, NodeSort, NodeState};
use crate::web::layout::{self, badge, maybe_time, node_link};
use crate::web::session::Authed;
use crate::web::AppState;

/// Page size of the node list.
pub const PAGE_SIZE: i64 = 100;

/// The query string of `/nodes` and `/api/v1/nodes`.
#[derive(Debug, Default, Deserialize)]
pub struct NodeParams {
    pub search: Option<String>,
    pub state: Option<String>,
    pub environment: Option<String>,
    pub sort: Option<String>,
    pub desc: Option<String>,
    pub page: Option<i64>,
    pub limit: Option<i64>,
}

impl NodeParams {
    /// The store query these parameters ask for; unknown values are ignored, not errors.
    pub fn to_query(&self) -> NodeQuery {
        let limit = self.limit.unwrap_or(PAGE_SIZE).clamp(1, 1000);
        NodeQuery {
            search: self.search.clone().filter(|s| !s.trim().is_empty()),
            state: self.state.as_deref().and_then(NodeState::parse),
            environment: self.environment.clone().filter(|s| !s.is_empty()),
            sort: self.sort.as_deref().and_then(NodeSort::parse).unwrap_or_default(),
            descending: matches!(self.desc.as_deref(), Some("1" | "true" | "on")),
            limit,
            offset: (self.page.unwrap_or(1).max(1) - 1) * limit,
        }
    }

    fn link(&self, sort: Option<NodeSort>, desc: Option<bool>, page: Option<i64>) -> String {
        let mut ser = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [("search", &self.search), ("state", &self.state), ("environment", &self.environment)] {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                ser.append_pair(k, v);
            }
        }
        let sort = sort.map(|s| s.as_str().to_string()).or(self.sort.clone());
        if let Some(s) = sort {
            ser.append_pair("sort", &s);
        }
        let desc = desc.unwrap_or(matches!(self.desc.as_deref(), Some("1" | "true" | "on")));
        if desc {
            ser.append_pair("desc", "1");
        }
        if let Some(p) = page {
            ser.append_pair("page", &p.to_string());
        }
        format!("/nodes?{}", ser.finish())
    }
}

/// `GET /nodes`
pub async fn page(
    State(state): State<AppState>,
    Authed(session): Authed,
    Query(params): Query<NodeParams>,
) -> Response {
    let query = params.to_query();
    let list = match state.store.nodes(&query, &state.clock()).await {
        Ok(l) => l,
        Err(e) => return error_page(&e),
    };
    let environments = state.store.environments().await.unwrap_or_default();
    let page_no = query.offset / query.limit + 1;
    let pages = (list.total + query.limit - 1) / query.limit;
    let sort_link = |s: NodeSort| {
        let desc = query.sort == s && !query.descending;
        params.link(Some(s), Some(desc), None)
    };
    let body = html! {
        form class="filters" method="get" action="/nodes" {
            input type="search" name="search" placeholder="certname contains…" value=(params.search.clone().unwrap_or_default());
            select name="state" {
                option value="" { "any state" }
                @for s in NodeState::ALL {
                    option value=(s.as_str()) selected[query.state == Some(s)] { (s.label()) }
                }
            }
            select name="environment" {
                option value="" { "any environment" }
                @for e in &environments {
                    option value=(e) selected[query.environment.as_deref() == Some(e.as_str())] { (e) }
                }
            }
            input type="hidden" name="sort" value=(query.sort.as_str());
            button type="submit" { "Filter" }
            a href="/nodes" { "Reset" }
        }
        p id="node-total" { (list.total) " nodes" @if pages > 1 { ", page " (page_no) " of " (pages) } }
        table id="nodes" {
            tr {
                th { a href=(sort_link(NodeSort::Name)) { "Node" } }
                th { a href=(sort_link(NodeSort::Status)) { "State" } }
                th { a href=(sort_link(NodeSort::LastRun)) { "Last run" } }
                th { a href=(sort_link(NodeSort::Environment)) { "Environment" } }
                th { "Config version" }
                th { "Latest report" }
            }
            @for n in &list.nodes {
                tr class="node" {
                    td { (node_link(&n.name)) }
                    td { (badge(n.state.as_str())) }
                    td { (maybe_time(n.latest_time)) }
                    td { (n.environment.clone().unwrap_or_default()) }
                    td { (n.configuration_version.clone().unwrap_or_default()) }
                    td { @if let Some(id) = n.latest_report_id { a href=(format!("/reports/{id}")) { "report " (id) } } }
                }
            }
        }
        p {
            @if page_no > 1 { a rel="prev" href=(params.link(None, None, Some(page_no - 1))) { "← previous" } " " }
            @if page_no < pages { a rel="next" href=(params.link(None, None, Some(page_no + 1))) { "next →" } }
        }
    };
    respond(layout::page("Nodes", Some(&session), body))
}
