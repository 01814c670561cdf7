//! The client side: discover the nodes a filter selects, send them a request, and collect their
//! signed replies until every discovered node has answered or the time is up.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use crate::filter::Filter;
use crate::message::{new_requestid, rpc_payload, Reply, Request};
use crate::rvalue::RValue;
use crate::security::{PublicKey, SecurityError, Signer, Trust};
use crate::transport::{
    self, ConnectOptions, Connection, Middleware, Outgoing, Subscription, Target, TransportError,
};

pub struct ClientConfig {
    pub certname: String,
    pub collective: String,
    pub middleware: Middleware,
    pub signer: Signer,
    pub cert_pem: String,
    pub trust: Trust,
    /// MCollective's shared server key: replies without a certificate (from `mcollectived`) are
    /// checked against it, and dropped when there is none.
    pub legacy_server_key: Option<PublicKey>,
    pub ttl: i64,
}

/// One verified reply.
#[derive(Debug, Clone)]
pub struct Response {
    pub sender: String,
    pub payload: RValue,
    /// Seconds from sending the request.
    pub elapsed: f64,
}

pub struct Client {
    pub cfg: ClientConfig,
    conn: Connection,
}

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error(transparent)]
    Transport(#[from] TransportError),
    #[error("the middleware connection closed")]
    Closed,
}

/// How the client picks its targets.
#[derive(Debug, Clone)]
pub enum Addressing {
    /// Broadcast with the filter; expect replies from these nodes (if known).
    Broadcast(Option<BTreeSet<String>>),
    /// One directed message to each node.
    Direct(BTreeSet<String>),
}

impl Client {
    pub async fn connect(cfg: ClientConfig, agent: &str) -> Result<Client, ClientError> {
        let opts = ConnectOptions {
            identity: cfg.certname.clone(),
            subscriptions: vec![Subscription::Replies],
            reply_agent: agent.to_string(),
        };
        let conn = transport::connect(&cfg.middleware, opts).await?;
        Ok(Client { cfg, conn })
    }

    pub fn callerid(&self) -> String {
        format!("cert={}", self.cfg.certname)
    }

    /// Builds and signs a request.
    pub fn request(&self, agent: &str, payload: RValue, filter: &Filter) -> (Request, String) {
        // MCollective's `:hash` too when this client also talks to MCollective's servers (it has
        // their shared key): `mcollectived` checks only that; Bunraku servers check ours.
        let legacy = self.cfg.legacy_server_key.is_some();
        let cfg = &self.cfg;
        seal_request(
            &cfg.signer,
            &cfg.cert_pem,
            &cfg.certname,
            agent,
            &cfg.collective,
            cfg.ttl,
            payload,
            filter,
            legacy,
        )
    }

    /// Checks a reply: our CA's certificate and signature, or the shared server key.
    pub fn verify(&self, text: &str, requestid: &str) -> Result<Reply, String> {
        verify_reply(&self.cfg.trust, self.cfg.legacy_server_key.as_ref(), text, requestid)
    }

    /// Sends a request and collects replies until `expected` have all answered or `timeout`
    /// passes; `on_reply` sees each verified reply as it arrives.
    pub async fn call(
        &mut self,
        agent: &str,
        payload: RValue,
        filter: &Filter,
        addressing: &Addressing,
        timeout: Duration,
        mut on_reply: impl FnMut(&Response),
    ) -> Result<Vec<Response>, ClientError> {
        let (req, text) = self.request(agent, payload, filter);
        let started = Instant::now();
        let expected: Option<BTreeSet<String>> = match addressing {
            Addressing::Broadcast(e) => e.clone(),
            Addressing::Direct(nodes) => Some(nodes.clone()),
        };
        match addressing {
            Addressing::Broadcast(_) => {
                let target =
                    Target::Broadcast { collective: self.cfg.collective.clone(), agent: agent.to_string() };
                self.send(target, text.into_bytes()).await?;
            }
            Addressing::Direct(nodes) => {
                for node in nodes {
                    let target =
                        Target::Directed { collective: self.cfg.collective.clone(), identity: node.clone() };
                    self.send(target, text.clone().into_bytes()).await?;
                }
            }
        }
        let mut responses: Vec<Response> = Vec::new();
        let mut seen = BTreeSet::new();
        let deadline = tokio::time::Instant::now() + timeout;
        let workers = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
        loop {
            if let Some(exp) = &expected {
                if !exp.is_empty() && exp.iter().all(|n| seen.contains(n)) {
                    break;
                }
            }
            let first = match tokio::time::timeout_at(deadline, self.conn.rx.recv()).await {
                Err(_) => break,
                Ok(None) => return Err(ClientError::Closed),
                Ok(Some(m)) => m,
            };
            // Whatever else has arrived is checked with it, on every core: a reply costs a
            // certificate and a signature check, and thousands arrive at once.
            let mut batch = vec![first];
            while batch.len() < 1024 {
                match self.conn.rx.try_recv() {
                    Ok(m) => batch.push(m),
                    Err(_) => break,
                }
            }
            let elapsed = started.elapsed().as_secs_f64();
            let checked = self.verify_batch(&batch, &req.requestid, workers);
            for result in checked {
                match result {
                    Ok(reply) => {
                        if !seen.insert(reply.senderid.clone()) {
                            tracing::warn!("dropping a second reply from {}", reply.senderid);
                            continue;
                        }
                        let r = Response { sender: reply.senderid, payload: reply.payload, elapsed };
                        on_reply(&r);
                        responses.push(r);
                    }
                    Err(e) => tracing::warn!("dropping a reply: {e}"),
                }
            }
        }
        Ok(responses)
    }

    fn verify_batch(
        &self,
        batch: &[crate::transport::Incoming],
        requestid: &str,
        workers: usize,
    ) -> Vec<Result<Reply, String>> {
        let check =
            |m: &crate::transport::Incoming| self.verify(&String::from_utf8_lossy(&m.body), requestid);
        if batch.len() < 16 || workers < 2 {
            return batch.iter().map(check).collect();
        }
        let chunk = batch.len().div_ceil(workers);
        std::thread::scope(|scope| {
            let handles: Vec<_> = batch
                .chunks(chunk)
                .map(|part| scope.spawn(move || part.iter().map(check).collect::<Vec<_>>()))
                .collect();
            handles.into_iter().flat_map(|h| h.join().unwrap_or_default()).collect()
        })
    }

    async fn send(&self, target: Target, body: Vec<u8>) -> Result<(), ClientError> {
        self.conn
            .tx
            .send(Outgoing { target, body, ttl: Some(self.cfg.ttl), reply_to: None })
            .await
            .map_err(|_| ClientError::Closed)
    }

    /// Discovery by broadcast: who answers the `discovery` agent's ping within `timeout`.
    pub async fn discover(
        &mut self,
        filter: &Filter,
        timeout: Duration,
        limit: Option<usize>,
    ) -> Result<BTreeSet<String>, ClientError> {
        let replies = self
            .call("discovery", RValue::str("ping"), filter, &Addressing::Broadcast(None), timeout, |_| {})
            .await?;
        let mut nodes: BTreeSet<String> =
            replies.into_iter().filter(|r| r.payload == RValue::str("pong")).map(|r| r.sender).collect();
        if let Some(limit) = limit {
            nodes = nodes.into_iter().take(limit).collect();
        }
        Ok(nodes)
    }

    /// An RPC call's body.
    pub fn rpc_body(&self, agent: &str, action: &str, data: RValue) -> RValue {
        rpc_payload(agent, action, &self.callerid(), data)
    }
}

/// A request from `certname`, signed with Bunraku's signature over every field (with the
/// certificate attached) and, when `legacy`, MCollective's `:hash` of the body for `mcollectived`.
#[allow(clippy::too_many_arguments)]
pub fn seal_request(
    signer: &Signer,
    cert_pem: &str,
    certname: &str,
    agent: &str,
    collective: &str,
    ttl: i64,
    payload: RValue,
    filter: &Filter,
    legacy: bool,
) -> (Request, String) {
    let req = Request {
        requestid: new_requestid(),
        senderid: certname.to_string(),
        callerid: format!("cert={certname}"),
        agent: agent.to_string(),
        collective: collective.to_string(),
        filter: filter.clone(),
        ttl,
        msgtime: chrono::Utc::now().timestamp(),
        payload,
        cert: Some(cert_pem.to_string()),
    };
    let body = req.inner_body();
    let hash = if legacy { signer.sign_legacy(&body) } else { None };
    let sig = signer.sign(&req.signed_text(&body));
    let text = req.outer(&body, hash.as_deref(), Some(&sig));
    (req, text)
}

/// Checks a reply to `requestid`: a certificate from our CA naming the sender and its signature
/// over every field, or else MCollective's `:hash` under the shared server key.
pub fn verify_reply(
    trust: &Trust,
    legacy_server_key: Option<&PublicKey>,
    text: &str,
    requestid: &str,
) -> Result<Reply, String> {
    let (reply, sealed) = Reply::open(text).map_err(|e| e.to_string())?;
    if reply.requestid != requestid {
        return Err(format!("a reply to another request ({})", reply.requestid));
    }
    if let Some(cert) = &sealed.cert {
        let v = trust.verify_cert(cert).map_err(|e| e.to_string())?;
        if v.certname != reply.senderid {
            return Err(SecurityError::CallerMismatch {
                callerid: reply.senderid.clone(),
                certname: v.certname,
            }
            .to_string());
        }
        let sig = sealed.signature.as_deref().ok_or_else(|| SecurityError::Unsigned.to_string())?;
        if !v.key.verify(&reply.signed_text(&sealed.body), sig) {
            return Err(SecurityError::BadSignature(reply.senderid.clone()).to_string());
        }
        return Ok(reply);
    }
    let key = legacy_server_key.ok_or_else(|| {
        format!("reply from {} has no certificate and no legacy server key is configured", reply.senderid)
    })?;
    let hash = sealed.hash.as_deref().ok_or_else(|| SecurityError::Unsigned.to_string())?;
    if !key.verify_legacy(&sealed.body, hash) {
        return Err(SecurityError::BadSignature(reply.senderid.clone()).to_string());
    }
    Ok(reply)
}
