//! The resource graph of a catalog: which resources are applied, in which order, and who notifies whom.
//!
//! Nodes are the applicable resources (real types, not classes, defines or stages). Edges come from the
//! relationship metaparameters (`before`/`notify`: source first; `require`/`subscribe`: target first)
//! and from autorequires. A relationship naming a container (class, defined-type instance, stage,
//! node) stands for everything the container holds, transitively, which is what Puppet's admissible and
//! completed whits achieve. Containment itself orders nothing, as in Puppet.
//!
//! The order is topological; among resources that are ready at the same time the one that comes first in
//! the catalog goes first, which is Puppet 7's "manifest ordering".

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, HashMap};

use bunraku_model::{Catalog, Resource, ResourceRef, Value};

/// One dependency between two applicable resources (indices into `catalog.resources`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dep {
    /// The resource at the other end of the edge.
    pub index: usize,
    /// Whether events travel along the edge (`notify`/`subscribe`), so the dependent gets refreshed.
    pub refresh: bool,
}

/// Why a catalog cannot be turned into an ordered graph: Puppet refuses to apply it at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GraphError {
    /// Relationships form cycles. `cycles` holds, per cycle, the resource indices in edge order.
    #[error("{message}")]
    Cycle { cycles: Vec<Vec<usize>>, message: String },
    /// A relationship names a resource the catalog does not hold.
    #[error("Could not find resource '{reference}' in parameter '{param}'")]
    MissingResource { reference: String, param: String, resource: usize },
}

/// The graph of one catalog, with everything the transaction needs to walk it.
#[derive(Debug, Clone)]
pub struct ResourceGraph {
    /// Whether each catalog resource is applied (indexed like `catalog.resources`).
    pub applicable: Vec<bool>,
    /// The container of each resource, from the catalog's containment edges.
    pub parent: Vec<Option<usize>>,
    /// What each resource depends on (runs after).
    pub dependencies: Vec<Vec<Dep>>,
    /// What depends on each resource (runs after it).
    pub dependents: Vec<Vec<Dep>>,
    /// The applicable resources in application order.
    pub order: Vec<usize>,
}

const RELATIONSHIPS: [(&str, bool, bool); 4] =
    [("before", true, false), ("notify", true, true), ("require", false, false), ("subscribe", false, true)];

impl ResourceGraph {
    /// Builds and orders the graph of a catalog.
    pub fn build(catalog: &Catalog) -> Result<ResourceGraph, GraphError> {
        let n = catalog.resources.len();
        let applicable: Vec<bool> =
            catalog.resources.iter().map(|r| r.is_applicable(catalog.catalog_format)).collect();
        let lookup = Lookup::new(catalog);

        let parent = containment(catalog);
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (child, p) in parent.iter().enumerate() {
            if let Some(p) = p {
                children[*p].push(child);
            }
        }

        let mut leaves_cache: HashMap<usize, Vec<usize>> = HashMap::new();
        let mut edges: HashMap<(usize, usize), bool> = HashMap::new();
        let add = |from: usize, to: usize, refresh: bool, edges: &mut HashMap<(usize, usize), bool>| {
            if from != to {
                let e = edges.entry((from, to)).or_insert(false);
                *e |= refresh;
            }
        };

        for (i, res) in catalog.resources.iter().enumerate() {
            for (param, forward, refresh) in RELATIONSHIPS {
                for target in res.relationship(param) {
                    let Some(j) = lookup.by_ref(&target) else {
                        return Err(GraphError::MissingResource {
                            reference: target.to_string(),
                            param: param.to_string(),
                            resource: i,
                        });
                    };
                    let sources = leaves(i, &applicable, &children, &mut leaves_cache);
                    let targets = leaves(j, &applicable, &children, &mut leaves_cache);
                    for &s in &sources {
                        for &t in &targets {
                            if forward {
                                add(s, t, refresh, &mut edges);
                            } else {
                                add(t, s, refresh, &mut edges);
                            }
                        }
                    }
                }
            }
        }

        // Autorequires never override an explicit relationship the other way round.
        for (i, res) in catalog.resources.iter().enumerate() {
            if !applicable[i] {
                continue;
            }
            for dep in autorequires(res, &lookup) {
                if dep != i && applicable[dep] && !edges.contains_key(&(i, dep)) {
                    edges.entry((dep, i)).or_insert(false);
                }
            }
        }

        let mut dependencies: Vec<Vec<Dep>> = vec![Vec::new(); n];
        let mut dependents: Vec<Vec<Dep>> = vec![Vec::new(); n];
        let mut sorted: Vec<((usize, usize), bool)> = edges.into_iter().collect();
        sorted.sort();
        for ((from, to), refresh) in sorted {
            dependencies[to].push(Dep { index: from, refresh });
            dependents[from].push(Dep { index: to, refresh });
        }

        let order = order(&applicable, &dependencies, &dependents);
        let graph = ResourceGraph { applicable, parent, dependencies, dependents, order };
        let placed = graph.order.len();
        let wanted = graph.applicable.iter().filter(|a| **a).count();
        if placed < wanted {
            let cycles = graph.cycles();
            let message = cycle_message(catalog, &cycles);
            return Err(GraphError::Cycle { cycles, message });
        }
        Ok(graph)
    }

    /// The cycles among the resources that could not be ordered, each as a list in edge order.
    fn cycles(&self) -> Vec<Vec<usize>> {
        let placed: BTreeSet<usize> = self.order.iter().copied().collect();
        let remaining: Vec<usize> =
            (0..self.applicable.len()).filter(|i| self.applicable[*i] && !placed.contains(i)).collect();
        let sccs = tarjan(&remaining, &self.dependents);
        let mut cycles = Vec::new();
        for scc in sccs {
            if scc.len() < 2 {
                continue;
            }
            let members: BTreeSet<usize> = scc.iter().copied().collect();
            let start = *members.iter().next().unwrap_or(&scc[0]);
            if let Some(path) = find_cycle(start, &members, &self.dependents) {
                cycles.push(path);
            }
        }
        cycles.sort();
        cycles
    }

    /// The containers of a resource from the outermost in (`Stage[main]`, `Class[Nginx]`), as indices.
    pub fn ancestors(&self, index: usize) -> Vec<usize> {
        ancestors(&self.parent, index)
    }
}

/// The container of each catalog resource (indexed like `catalog.resources`), from the containment edges.
pub fn containment(catalog: &Catalog) -> Vec<Option<usize>> {
    let lookup = Lookup::new(catalog);
    let mut parent = vec![None; catalog.resources.len()];
    for edge in &catalog.edges {
        let (Some(s), Some(t)) = (lookup.by_ref_str(&edge.source), lookup.by_ref_str(&edge.target)) else {
            continue;
        };
        if parent[t].is_none() && s != t {
            parent[t] = Some(s);
        }
    }
    parent
}

/// The containers of a resource from the outermost in, given [`containment`]'s answer.
pub fn ancestors(parent: &[Option<usize>], index: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut cur = parent.get(index).copied().flatten();
    while let Some(p) = cur {
        if out.contains(&p) || out.len() > parent.len() {
            break;
        }
        out.push(p);
        cur = parent[p];
    }
    out.reverse();
    out
}

/// The report's `containment_path` of a resource: `["Stage[main]", "Nginx", "Package[nginx]"]`.
pub fn containment_path(catalog: &Catalog, parent: &[Option<usize>], index: usize) -> Vec<String> {
    let mut path: Vec<String> =
        ancestors(parent, index).into_iter().map(|a| path_segment(&catalog.resources[a])).collect();
    path.push(catalog.resources[index].reference().to_string());
    path
}

/// The log source of a resource: `/Stage[main]/Nginx/Package[nginx]`.
pub fn resource_path(catalog: &Catalog, parent: &[Option<usize>], index: usize) -> String {
    format!("/{}", containment_path(catalog, parent, index).join("/"))
}

/// How a container appears in a containment path: classes by their title (`Nginx::Nginx_web`, `Main`),
/// everything else (stages, nodes, defined-type instances) as a reference.
pub fn path_segment(res: &Resource) -> String {
    if res.type_name == "Class" {
        capitalized_class(&res.title)
    } else {
        res.reference().to_string()
    }
}

/// How Puppet names a container resource in its own log lines (`Class[Main]`, `Stage[main]`).
pub fn container_name(res: &Resource) -> String {
    if res.type_name == "Class" {
        format!("Class[{}]", capitalized_class(&res.title))
    } else {
        res.reference().to_string()
    }
}

fn capitalized_class(title: &str) -> String {
    bunraku_model::reference::capitalize_type(title)
}

/// Finds catalog resources by reference, by namevar and by alias.
struct Lookup<'c> {
    catalog: &'c Catalog,
    by_key: HashMap<(String, String), usize>,
}

impl<'c> Lookup<'c> {
    fn new(catalog: &'c Catalog) -> Self {
        let mut by_key = HashMap::new();
        for (i, res) in catalog.resources.iter().enumerate() {
            by_key.entry((res.type_name.clone(), normalize(&res.type_name, &res.title))).or_insert(i);
        }
        // Namevars and aliases come second: a title always wins.
        for (i, res) in catalog.resources.iter().enumerate() {
            let namevar = match res.type_name.as_str() {
                "File" => "path",
                "Exec" => "command",
                _ => "name",
            };
            let mut names: Vec<String> = res.param_str(namevar).into_iter().collect();
            if let Some(v) = res.param("alias") {
                match v {
                    Value::String(s) => names.push(s.clone()),
                    Value::Array(items) => {
                        names.extend(items.iter().filter_map(|i| i.as_str().map(String::from)))
                    }
                    _ => {}
                }
            }
            for name in names {
                by_key.entry((res.type_name.clone(), normalize(&res.type_name, &name))).or_insert(i);
            }
        }
        Lookup { catalog, by_key }
    }

    fn by_ref(&self, r: &ResourceRef) -> Option<usize> {
        let title = if r.type_name == "Class" { capitalized_class(&r.title) } else { r.title.clone() };
        if r.type_name == "Class" {
            // Class titles are capitalised in catalogs, except `main`.
            if let Some(i) = self
                .catalog
                .resources
                .iter()
                .position(|res| res.type_name == "Class" && capitalized_class(&res.title) == title)
            {
                return Some(i);
            }
        }
        self.by_key.get(&(r.type_name.clone(), normalize(&r.type_name, &title))).copied()
    }

    fn by_ref_str(&self, s: &str) -> Option<usize> {
        self.by_ref(&s.parse().ok()?)
    }

    fn get(&self, type_name: &str, title: &str) -> Option<usize> {
        self.by_key.get(&(type_name.to_string(), normalize(type_name, title))).copied()
    }
}

fn normalize(type_name: &str, title: &str) -> String {
    if type_name == "File" && title.len() > 1 {
        title.trim_end_matches('/').to_string()
    } else {
        title.to_string()
    }
}

/// The applicable resources a resource stands for in a relationship: itself, or a container's contents.
fn leaves(
    index: usize,
    applicable: &[bool],
    children: &[Vec<usize>],
    cache: &mut HashMap<usize, Vec<usize>>,
) -> Vec<usize> {
    if applicable[index] {
        return vec![index];
    }
    if let Some(v) = cache.get(&index) {
        return v.clone();
    }
    let mut out = Vec::new();
    let mut stack = vec![index];
    let mut seen = BTreeSet::new();
    while let Some(i) = stack.pop() {
        if !seen.insert(i) {
            continue;
        }
        for &c in &children[i] {
            if applicable[c] {
                out.push(c);
            }
            stack.push(c);
        }
    }
    out.sort();
    out.dedup();
    cache.insert(index, out.clone());
    out
}

/// What a resource depends on without saying so, when those resources are managed (catalog indices).
fn autorequires(res: &Resource, lookup: &Lookup) -> Vec<usize> {
    let mut out = Vec::new();
    match res.type_name.as_str() {
        "File" => {
            let path = res.param_str("path").unwrap_or_else(|| res.title.clone());
            let mut cur = std::path::Path::new(path.trim_end_matches('/')).parent();
            while let Some(dir) = cur {
                if let Some(i) = lookup.get("File", &dir.to_string_lossy()) {
                    out.push(i);
                    break;
                }
                cur = dir.parent();
            }
            if let Some(owner) = res.param_str("owner") {
                out.extend(lookup.get("User", &owner));
            }
            if let Some(group) = res.param_str("group") {
                out.extend(lookup.get("Group", &group));
            }
        }
        "Exec" => {
            if let Some(cwd) = res.param_str("cwd") {
                out.extend(lookup.get("File", &cwd));
            }
            let command = res.param_str("command").unwrap_or_else(|| res.title.clone());
            if let Some(first) = command.split_whitespace().next() {
                if first.starts_with('/') {
                    out.extend(lookup.get("File", first));
                }
            }
            if let Some(user) = res.param_str("user") {
                out.extend(lookup.get("User", &user));
            }
        }
        _ => {}
    }
    out
}

/// Kahn's algorithm, picking the ready resource that comes first in the catalog.
fn order(applicable: &[bool], dependencies: &[Vec<Dep>], dependents: &[Vec<Dep>]) -> Vec<usize> {
    let mut pending: Vec<usize> = dependencies.iter().map(|d| d.len()).collect();
    let mut ready: BinaryHeap<Reverse<usize>> =
        (0..applicable.len()).filter(|&i| applicable[i] && pending[i] == 0).map(Reverse).collect();
    let mut out = Vec::new();
    while let Some(Reverse(i)) = ready.pop() {
        out.push(i);
        for d in &dependents[i] {
            pending[d.index] -= 1;
            if pending[d.index] == 0 {
                ready.push(Reverse(d.index));
            }
        }
    }
    out
}

/// Strongly connected components of the subgraph on `nodes` (iterative Tarjan).
fn tarjan(nodes: &[usize], dependents: &[Vec<Dep>]) -> Vec<Vec<usize>> {
    let member: BTreeSet<usize> = nodes.iter().copied().collect();
    let mut index_of: HashMap<usize, usize> = HashMap::new();
    let mut low: HashMap<usize, usize> = HashMap::new();
    let mut on_stack = BTreeSet::new();
    let mut stack = Vec::new();
    let mut counter = 0;
    let mut out = Vec::new();
    for &root in nodes {
        if index_of.contains_key(&root) {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        index_of.insert(root, counter);
        low.insert(root, counter);
        counter += 1;
        stack.push(root);
        on_stack.insert(root);
        while let Some(&mut (v, ref mut next)) = work.last_mut() {
            let succ: Vec<usize> =
                dependents[v].iter().map(|d| d.index).filter(|w| member.contains(w)).collect();
            if *next < succ.len() {
                let w = succ[*next];
                *next += 1;
                if let std::collections::hash_map::Entry::Vacant(e) = index_of.entry(w) {
                    e.insert(counter);
                    low.insert(w, counter);
                    counter += 1;
                    stack.push(w);
                    on_stack.insert(w);
                    work.push((w, 0));
                } else if on_stack.contains(&w) {
                    let lw = index_of[&w].min(low[&v]);
                    low.insert(v, lw);
                }
            } else {
                work.pop();
                if let Some(&(u, _)) = work.last() {
                    let lu = low[&u].min(low[&v]);
                    low.insert(u, lu);
                }
                if low[&v] == index_of[&v] {
                    let mut comp = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack.remove(&w);
                        comp.push(w);
                        if w == v {
                            break;
                        }
                    }
                    comp.sort();
                    out.push(comp);
                }
            }
        }
    }
    out
}

/// A shortest cycle through `start` inside one strongly connected component (breadth-first).
fn find_cycle(start: usize, members: &BTreeSet<usize>, dependents: &[Vec<Dep>]) -> Option<Vec<usize>> {
    let mut prev: HashMap<usize, usize> = HashMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(v) = queue.pop_front() {
        for d in &dependents[v] {
            let w = d.index;
            if !members.contains(&w) {
                continue;
            }
            if w == start {
                let mut path = vec![v];
                let mut cur = v;
                while cur != start {
                    cur = prev[&cur];
                    path.push(cur);
                }
                path.reverse();
                return Some(path);
            }
            if let std::collections::hash_map::Entry::Vacant(e) = prev.entry(w) {
                e.insert(v);
                queue.push_back(w);
            }
        }
    }
    None
}

/// Puppet's error text for dependency cycles (including its literal `\n`).
fn cycle_message(catalog: &Catalog, cycles: &[Vec<usize>]) -> String {
    let rendered: Vec<String> = cycles
        .iter()
        .map(|c| {
            let mut names: Vec<String> =
                c.iter().map(|i| catalog.resources[*i].reference().to_string()).collect();
            names.push(names[0].clone());
            format!("({})", names.join(" => "))
        })
        .collect();
    let head = if cycles.len() == 1 {
        "Found 1 dependency cycle:".to_string()
    } else {
        format!("Found {} dependency cycles:", cycles.len())
    };
    format!(
        "{head}\n{}\\nTry the '--graph' option and opening the resulting '.dot' file in OmniGraffle or GraphViz",
        rendered.join("\n")
    )
}
