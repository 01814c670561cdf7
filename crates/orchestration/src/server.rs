//! The orchestration server: subscribes to the requests addressed to its node, checks who sent
//! them, whether they are fresh, whether the node is addressed and whether the caller may, runs the
//! agent's action and replies, signed.

use std::sync::Arc;
use std::time::Duration;

use crate::agents::{status, Registry, RpcReply, RpcRequest};
use crate::audit::{AuditLog, Entry};
use crate::message::{rpc_reply, Reply, Request};
use crate::node::{NodeContext, Stats};
use crate::policy::Policies;
use crate::rvalue::RValue;
use crate::security::{callerid_certname, ReplayGuard, SecurityError, Signer, Trust};
use crate::transport::{self, ConnectOptions, Middleware, Outgoing, Subscription, Target};

pub struct Server {
    pub node: Arc<NodeContext>,
    pub registry: Registry,
    pub trust: Trust,
    pub signer: Signer,
    pub cert_pem: String,
    /// MCollective's shared server key, for replies to clients that sent no certificate.
    pub legacy_signer: Option<Signer>,
    pub guard: ReplayGuard,
    pub policies: Policies,
    pub audit: AuditLog,
}

/// What became of one message.
#[derive(Debug, PartialEq)]
pub enum Outcome {
    /// Answer with this message.
    Reply(Vec<u8>),
    /// Not for us (filter, collective, agent), or the caller asked for no reply.
    Ignored,
    /// Refused: who sent it could not be established or may not do this.
    Refused(String),
}

impl Server {
    /// Handles one message from the middleware.
    pub fn handle(&self, body: &[u8]) -> Outcome {
        Stats::bump(&self.node.stats.total);
        let text = String::from_utf8_lossy(body);
        let (req, sealed) = match Request::open(&text) {
            Ok(r) => r,
            Err(e) => {
                let reason = format!("malformed message: {e}");
                self.audit.refused(
                    &Entry { requestid: "-", callerid: "-", senderid: "-", agent: "-", action: "" },
                    &reason,
                );
                return Outcome::Refused(reason);
            }
        };
        let rpc = RpcPayload::of(&req.payload);
        let action = rpc.as_ref().map(|r| r.action.clone()).unwrap_or_default();
        let entry = Entry {
            requestid: &req.requestid,
            callerid: &req.callerid,
            senderid: &req.senderid,
            agent: &req.agent,
            action: &action,
        };
        let refuse = |reason: String| {
            self.audit.refused(&entry, &reason);
            Outcome::Refused(reason)
        };

        // 1. Who sent it.
        let with_cert = sealed.cert.is_some();
        let verified = match self.authenticate(&req, &sealed) {
            Ok(v) => v,
            Err(e) => {
                Stats::bump(&self.node.stats.unvalidated);
                return refuse(e.to_string());
            }
        };
        Stats::bump(&self.node.stats.validated);
        // 2. Fresh and not seen before.
        if let Err(e) = self.guard.check(&req.requestid, req.msgtime, req.ttl, chrono::Utc::now().timestamp())
        {
            if matches!(e, SecurityError::Expired2 { .. }) {
                Stats::bump(&self.node.stats.ttlexpired);
            }
            return refuse(e.to_string());
        }
        // 3. Addressed to us.
        if !self.node.collectives.contains(&req.collective) {
            return Outcome::Ignored;
        }
        let view = self.node.view();
        if !req.filter.matches(&view) {
            Stats::bump(&self.node.stats.filtered);
            return Outcome::Ignored;
        }
        Stats::bump(&self.node.stats.passed);
        // 4. Allowed.
        if !self.policies.caller_allowed(&req.callerid) {
            Stats::bump(&self.node.stats.denied);
            return refuse(format!("caller {} ({verified}) is not on the allow-list", req.callerid));
        }

        let payload = if req.agent == "discovery" {
            self.audit.accepted(&entry);
            match &req.payload {
                RValue::Str(s) if s == "ping" => RValue::str("pong"),
                other => RValue::str(format!("Unknown Request: {}", other.display())),
            }
        } else {
            let Some(agent) = self.registry.get(&req.agent) else { return Outcome::Ignored };
            let Some(rpc) = rpc else {
                return refuse("the request's body is not an RPC request".into());
            };
            let reply = match self.policies.check(&req.agent, &req.callerid, &rpc.action, &view) {
                Ok(true) => {
                    if let Err((code, msg)) = agent.ddl().validate(&rpc.action, &rpc.data) {
                        self.audit.refused(&entry, &msg);
                        RpcReply::failed(msg, code)
                    } else {
                        self.audit.accepted(&entry);
                        let call = RpcRequest {
                            agent: req.agent.clone(),
                            action: rpc.action.clone(),
                            data: rpc.data.clone(),
                            caller: req.callerid.clone(),
                            sender: req.senderid.clone(),
                            requestid: req.requestid.clone(),
                        };
                        let mut r = agent.call(&self.node, &call);
                        if req.agent == "rpcutil" && rpc.action == "agent_inventory" {
                            r.set(
                                "agents",
                                RValue::Array(self.registry.all().iter().map(|a| a.ddl().meta()).collect()),
                            );
                        }
                        r
                    }
                }
                Ok(false) => {
                    Stats::bump(&self.node.stats.denied);
                    self.audit.refused(&entry, "denied by policy");
                    RpcReply::failed("You are not authorized to call this agent or action.", status::ABORTED)
                }
                Err(e) => {
                    Stats::bump(&self.node.stats.denied);
                    self.audit.refused(&entry, &format!("broken policy: {e}"));
                    RpcReply::failed(
                        format!("You are not authorized to call this agent or action: {e}"),
                        status::ABORTED,
                    )
                }
            };
            if !rpc.process_results {
                return Outcome::Ignored;
            }
            rpc_reply(reply.statuscode, &reply.statusmsg, reply.data_rvalue())
        };
        Stats::bump(&self.node.stats.replies);
        Outcome::Reply(self.seal_reply(&req, payload, with_cert).into_bytes())
    }

    /// Establishes the caller: a Bunraku request carries its certificate and a SHA-256 signature of
    /// every field; an MCollective one names a certificate by caller id and signs its body only.
    fn authenticate(&self, req: &Request, sealed: &crate::message::Sealed) -> Result<String, SecurityError> {
        let certname = callerid_certname(&req.callerid).unwrap_or("");
        if let Some(cert) = &sealed.cert {
            let v = self.trust.verify_cert(cert)?;
            if v.certname != certname {
                return Err(SecurityError::CallerMismatch {
                    callerid: req.callerid.clone(),
                    certname: v.certname,
                });
            }
            let sig = sealed.signature.as_deref().ok_or(SecurityError::Unsigned)?;
            if !v.key.verify(&req.signed_text(&sealed.body), sig) {
                return Err(SecurityError::BadSignature(req.callerid.clone()));
            }
            return Ok(v.certname);
        }
        let hash = sealed.hash.as_deref().ok_or(SecurityError::Unsigned)?;
        if certname.is_empty() {
            return Err(SecurityError::UnknownCaller(req.callerid.clone()));
        }
        let v = self.trust.caller_cert(certname)?;
        if !v.key.verify_legacy(&sealed.body, hash) {
            return Err(SecurityError::BadSignature(req.callerid.clone()));
        }
        Ok(v.certname)
    }

    fn seal_reply(&self, req: &Request, payload: RValue, with_cert: bool) -> String {
        let reply = Reply {
            requestid: req.requestid.clone(),
            senderid: self.node.identity.clone(),
            senderagent: req.agent.clone(),
            msgtime: chrono::Utc::now().timestamp(),
            payload,
            cert: with_cert.then(|| self.cert_pem.clone()),
        };
        let body = reply.inner_body();
        if with_cert {
            let sig = self.signer.sign(&reply.signed_text(&body));
            reply.outer(&body, None, Some(&sig))
        } else {
            let signer = self.legacy_signer.as_ref().unwrap_or(&self.signer);
            let hash = signer.sign_legacy(&body);
            reply.outer(&body, hash.as_deref(), None)
        }
    }

    /// What to subscribe to: every agent's broadcasts and our directed queue, in every collective.
    pub fn subscriptions(&self) -> Vec<Subscription> {
        let mut subs = Vec::new();
        for c in &self.node.collectives {
            for agent in self.registry.names() {
                subs.push(Subscription::Broadcast { collective: c.clone(), agent });
            }
            subs.push(Subscription::Directed { collective: c.clone(), identity: self.node.identity.clone() });
        }
        subs
    }

    /// Serves until `stop` resolves, reconnecting (with back-off up to 30 s) when the middleware
    /// goes away.
    pub async fn run(self: Arc<Self>, mw: Middleware, stop: impl std::future::Future<Output = ()>) {
        tokio::pin!(stop);
        let mut delay = Duration::from_millis(200);
        loop {
            let opts = ConnectOptions {
                identity: self.node.identity.clone(),
                subscriptions: self.subscriptions(),
                reply_agent: "server".into(),
            };
            let conn = tokio::select! {
                _ = &mut stop => return,
                c = transport::connect(&mw, opts) => c,
            };
            let mut conn = match conn {
                Ok(c) => {
                    tracing::info!("orchestration server {} connected to {}", self.node.identity, c.describe);
                    delay = Duration::from_millis(200);
                    c
                }
                Err(e) => {
                    tracing::warn!("{e}; retrying in {:.1} s", delay.as_secs_f64());
                    tokio::select! {
                        _ = &mut stop => return,
                        _ = tokio::time::sleep(delay) => {}
                    }
                    delay = (delay * 2).min(Duration::from_secs(30));
                    continue;
                }
            };
            loop {
                let incoming = tokio::select! {
                    _ = &mut stop => return,
                    m = conn.rx.recv() => m,
                };
                let Some(incoming) = incoming else { break };
                let me = self.clone();
                let tx = conn.tx.clone();
                tokio::spawn(async move {
                    let reply_to = incoming.reply_to.clone();
                    let outcome = match tokio::task::spawn_blocking(move || me.handle(&incoming.body)).await {
                        Ok(o) => o,
                        Err(e) => {
                            tracing::error!("an action panicked: {e}");
                            return;
                        }
                    };
                    if let (Outcome::Reply(body), Some(to)) = (outcome, reply_to) {
                        let _ = tx
                            .send(Outgoing { target: Target::Reply(to), body, ttl: None, reply_to: None })
                            .await;
                    }
                });
            }
            tracing::warn!("lost the connection to {}; reconnecting", conn.describe);
        }
    }
}

/// `{:agent, :action, :data, :process_results}` from a request body.
struct RpcPayload {
    action: String,
    data: RValue,
    process_results: bool,
}

impl RpcPayload {
    fn of(payload: &RValue) -> Option<RpcPayload> {
        let action = payload.field("action")?.as_str()?.to_string();
        let data = payload.field("data").cloned().unwrap_or_else(RValue::hash);
        let process_results = match data.field("process_results") {
            Some(v) => v.truthy(),
            None => payload.field("process_results").map(RValue::truthy).unwrap_or(true),
        };
        Some(RpcPayload { action, data, process_results })
    }
}
