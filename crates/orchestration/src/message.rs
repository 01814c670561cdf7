//! MCollective 2.x messages as its `ssl` security plugin frames them (with `ssl_serializer =
//! yaml`), plus Bunraku's two additions: the sender's certificate (`:cert`) and a SHA-256 signature
//! (`:signature`) over every routing field as well as the body.
//!
//! A request is `{:body, :senderid, :requestid, :filter, :collective, :agent, :callerid, :ttl,
//! :msgtime, :hash}` where `:body` is itself a YAML document `{:ssl_msg, :ssl_ttl, :ssl_msgtime}`
//! and `:hash` is MCollective's signature of that body (RSA, SHA-1, base64 with newlines). A reply
//! is `{:senderid, :requestid, :senderagent, :msgtime, :body, :hash}`. MCollective signs only the
//! body, so a relay could rewrite a request's filter or agent; Bunraku's `:signature` covers them.

use crate::filter::Filter;
use crate::rvalue::{self, RValue};

fn sym(s: &str) -> RValue {
    RValue::Sym(s.to_string())
}

/// What a request carries inside its signed body: for the `discovery` agent the string `"ping"`,
/// for RPC agents `{:agent, :action, :caller, :data}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub requestid: String,
    pub senderid: String,
    pub callerid: String,
    pub agent: String,
    pub collective: String,
    pub filter: Filter,
    pub ttl: i64,
    pub msgtime: i64,
    /// The signed payload (`:ssl_msg`), already decoded.
    pub payload: RValue,
    /// PEM of the caller's certificate when a Bunraku client sent it.
    pub cert: Option<String>,
}

/// A server's answer: for `discovery` the string `"pong"`, for RPC `{:statuscode, :statusmsg,
/// :data}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub requestid: String,
    pub senderid: String,
    pub senderagent: String,
    pub msgtime: i64,
    pub payload: RValue,
    pub cert: Option<String>,
}

/// The fields of an encoded message that signatures cover, and the signatures themselves.
#[derive(Debug, Clone)]
pub struct Sealed {
    /// The outer hash as received.
    pub outer: RValue,
    /// The serialized inner body (what `:hash` signs).
    pub body: String,
    /// MCollective's signature (`:hash`), base64.
    pub hash: Option<String>,
    /// Bunraku's signature (`:signature`), base64.
    pub signature: Option<String>,
    pub cert: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum MessageError {
    #[error("the message is not valid YAML: {0}")]
    Yaml(#[from] rvalue::YamlError),
    #[error("the message has no {0}")]
    Missing(&'static str),
    #[error("the message's {0} is malformed")]
    Malformed(&'static str),
}

impl Request {
    /// The signed inner body: `{:ssl_msg, :ssl_ttl, :ssl_msgtime}` as YAML.
    pub fn inner_body(&self) -> String {
        rvalue::dump(
            &RValue::hash()
                .with(sym("ssl_msg"), self.payload.clone())
                .with(sym("ssl_ttl"), RValue::Int(self.ttl))
                .with(sym("ssl_msgtime"), RValue::Int(self.msgtime)),
        )
    }

    /// The bytes Bunraku's signature covers: every routing field and the body.
    pub fn signed_text(&self, body: &str) -> String {
        rvalue::dump(
            &RValue::hash()
                .with(sym("requestid"), RValue::str(&self.requestid))
                .with(sym("senderid"), RValue::str(&self.senderid))
                .with(sym("callerid"), RValue::str(&self.callerid))
                .with(sym("agent"), RValue::str(&self.agent))
                .with(sym("collective"), RValue::str(&self.collective))
                .with(sym("filter"), self.filter.to_rvalue())
                .with(sym("ttl"), RValue::Int(self.ttl))
                .with(sym("msgtime"), RValue::Int(self.msgtime))
                .with(sym("body"), RValue::str(body)),
        )
    }

    /// The outer hash, given the body and its signatures.
    pub fn outer(&self, body: &str, hash: Option<&str>, signature: Option<&str>) -> String {
        let mut h = RValue::hash()
            .with(sym("body"), RValue::str(body))
            .with(sym("senderid"), RValue::str(&self.senderid))
            .with(sym("requestid"), RValue::str(&self.requestid))
            .with(sym("filter"), self.filter.to_rvalue())
            .with(sym("collective"), RValue::str(&self.collective))
            .with(sym("agent"), RValue::str(&self.agent))
            .with(sym("callerid"), RValue::str(&self.callerid))
            .with(sym("ttl"), RValue::Int(self.ttl))
            .with(sym("msgtime"), RValue::Int(self.msgtime));
        if let Some(hash) = hash {
            h.set(sym("hash"), RValue::str(hash));
        }
        if let Some(sig) = signature {
            h.set(sym("signature"), RValue::str(sig));
        }
        if let Some(cert) = &self.cert {
            h.set(sym("cert"), RValue::str(cert));
        }
        rvalue::dump(&h)
    }

    /// Reads a request's outer hash; the signatures are checked by `security` before the body is
    /// trusted.
    pub fn open(text: &str) -> Result<(Request, Sealed), MessageError> {
        let outer = rvalue::load(text)?;
        let s = |name: &'static str| -> Result<String, MessageError> {
            outer.field(name).and_then(RValue::as_str).map(str::to_string).ok_or(MessageError::Missing(name))
        };
        let body = s("body")?;
        let inner = rvalue::load(&body)?;
        // MCollective's ssl plugin: the TTL and time inside the signed body are authoritative.
        let ttl = inner
            .field("ssl_ttl")
            .and_then(RValue::as_i64)
            .or_else(|| outer.field("ttl").and_then(RValue::as_i64))
            .ok_or(MessageError::Missing("ttl"))?;
        let msgtime = inner
            .field("ssl_msgtime")
            .and_then(RValue::as_i64)
            .or_else(|| outer.field("msgtime").and_then(RValue::as_i64))
            .ok_or(MessageError::Missing("msgtime"))?;
        let payload = inner.field("ssl_msg").cloned().unwrap_or(inner.clone());
        let filter = match outer.field("filter") {
            Some(f) => Filter::from_rvalue(f).map_err(|_| MessageError::Malformed("filter"))?,
            None => Filter::default(),
        };
        let cert = outer.field("cert").and_then(RValue::as_str).map(str::to_string);
        let request = Request {
            requestid: s("requestid")?,
            senderid: s("senderid")?,
            callerid: s("callerid")?,
            agent: s("agent")?,
            collective: s("collective")?,
            filter,
            ttl,
            msgtime,
            payload,
            cert: cert.clone(),
        };
        let sealed = Sealed {
            hash: outer.field("hash").and_then(RValue::as_str).map(str::to_string),
            signature: outer.field("signature").and_then(RValue::as_str).map(str::to_string),
            cert,
            body,
            outer,
        };
        Ok((request, sealed))
    }
}

impl Reply {
    pub fn inner_body(&self) -> String {
        rvalue::dump(&self.payload)
    }

    pub fn signed_text(&self, body: &str) -> String {
        rvalue::dump(
            &RValue::hash()
                .with(sym("requestid"), RValue::str(&self.requestid))
                .with(sym("senderid"), RValue::str(&self.senderid))
                .with(sym("senderagent"), RValue::str(&self.senderagent))
                .with(sym("msgtime"), RValue::Int(self.msgtime))
                .with(sym("body"), RValue::str(body)),
        )
    }

    pub fn outer(&self, body: &str, hash: Option<&str>, signature: Option<&str>) -> String {
        let mut h = RValue::hash()
            .with(sym("senderid"), RValue::str(&self.senderid))
            .with(sym("requestid"), RValue::str(&self.requestid))
            .with(sym("senderagent"), RValue::str(&self.senderagent))
            .with(sym("msgtime"), RValue::Int(self.msgtime))
            .with(sym("body"), RValue::str(body));
        if let Some(hash) = hash {
            h.set(sym("hash"), RValue::str(hash));
        }
        if let Some(sig) = signature {
            h.set(sym("signature"), RValue::str(sig));
        }
        if let Some(cert) = &self.cert {
            h.set(sym("cert"), RValue::str(cert));
        }
        rvalue::dump(&h)
    }

    pub fn open(text: &str) -> Result<(Reply, Sealed), MessageError> {
        let outer = rvalue::load(text)?;
        let s = |name: &'static str| -> Result<String, MessageError> {
            outer.field(name).and_then(RValue::as_str).map(str::to_string).ok_or(MessageError::Missing(name))
        };
        let body = s("body")?;
        let payload = rvalue::load(&body)?;
        let cert = outer.field("cert").and_then(RValue::as_str).map(str::to_string);
        let reply = Reply {
            requestid: s("requestid")?,
            senderid: s("senderid")?,
            senderagent: s("senderagent")?,
            msgtime: outer
                .field("msgtime")
                .and_then(RValue::as_i64)
                .ok_or(MessageError::Missing("msgtime"))?,
            payload,
            cert: cert.clone(),
        };
        let sealed = Sealed {
            hash: outer.field("hash").and_then(RValue::as_str).map(str::to_string),
            signature: outer.field("signature").and_then(RValue::as_str).map(str::to_string),
            cert,
            body,
            outer,
        };
        Ok((reply, sealed))
    }
}

/// The body of an RPC request: `{:agent, :action, :caller, :data}`.
pub fn rpc_payload(agent: &str, action: &str, caller: &str, data: RValue) -> RValue {
    RValue::hash()
        .with(sym("agent"), RValue::str(agent))
        .with(sym("action"), RValue::str(action))
        .with(sym("caller"), RValue::str(caller))
        .with(sym("data"), data)
}

/// The body of an RPC reply.
pub fn rpc_reply(statuscode: i64, statusmsg: &str, data: RValue) -> RValue {
    RValue::hash()
        .with(sym("statuscode"), RValue::Int(statuscode))
        .with(sym("statusmsg"), RValue::str(statusmsg))
        .with(sym("data"), data)
}

/// A fresh request id: 32 lowercase hex digits, as MCollective's `SSL.uuid.gsub("-", "")`.
pub fn new_requestid() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}
