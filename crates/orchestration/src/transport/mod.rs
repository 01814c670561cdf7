//! The middleware: RabbitMQ over STOMP (as MCollective's `rabbitmq` connector names its
//! destinations, so Debian's `mco` and `mcollectived` meet ours there) and NATS (the scale path,
//! with subjects after Choria's).
//!
//! Both give the rest of the crate the same three things: subscribe to the requests an identity
//! should see, publish a request or a reply, and receive messages with their reply address.

pub mod nats;
pub mod stomp;

use std::path::PathBuf;

use tokio::sync::mpsc;

/// Where the middleware is and how to authenticate to it.
#[derive(Debug, Clone, PartialEq)]
pub enum Middleware {
    /// `stomp://[user:pass@]host:port[/vhost]`: RabbitMQ's STOMP plugin.
    Stomp { host: String, port: u16, user: String, password: String, vhost: String },
    /// `nats://host:port` or `tls://host:port`: with TLS, the node's Puppet certificate is the
    /// client certificate.
    Nats { url: String, tls: Option<NatsTls> },
}

/// The files a TLS connection to NATS uses: our CA and the node's certificate and key.
#[derive(Debug, Clone, PartialEq)]
pub struct NatsTls {
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl Middleware {
    /// Parses a middleware URL.
    pub fn parse(url: &str) -> Result<Middleware, TransportError> {
        let bad = || TransportError::Url(url.to_string());
        if let Some(rest) = url.strip_prefix("stomp://") {
            let (auth, hostpart) = match rest.rsplit_once('@') {
                Some((a, h)) => (Some(a), h),
                None => (None, rest),
            };
            let (hostport, vhost) = match hostpart.split_once('/') {
                Some((h, v)) => (h, if v.is_empty() { "/".to_string() } else { percent_decode(v) }),
                None => (hostpart, "/".to_string()),
            };
            let (host, port) = match hostport.rsplit_once(':') {
                Some((h, p)) => (h.to_string(), p.parse().map_err(|_| bad())?),
                None => (hostport.to_string(), 61613),
            };
            let (user, password) = match auth {
                Some(a) => match a.split_once(':') {
                    Some((u, p)) => (percent_decode(u), percent_decode(p)),
                    None => (percent_decode(a), String::new()),
                },
                None => ("guest".to_string(), "guest".to_string()),
            };
            if host.is_empty() {
                return Err(bad());
            }
            return Ok(Middleware::Stomp { host, port, user, password, vhost });
        }
        if url.starts_with("nats://") || url.starts_with("tls://") {
            return Ok(Middleware::Nats { url: url.to_string(), tls: None });
        }
        Err(bad())
    }

    pub fn describe(&self) -> String {
        match self {
            Middleware::Stomp { host, port, user, vhost, .. } => {
                format!("stomp://{user}@{host}:{port}{vhost}")
            }
            Middleware::Nats { url, .. } => url.clone(),
        }
    }
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// Where a message goes.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// Every server in `collective` that has `agent`.
    Broadcast { collective: String, agent: String },
    /// One server.
    Directed { collective: String, identity: String },
    /// A reply address as a request gave it.
    Reply(String),
}

/// A message from the middleware.
#[derive(Debug)]
pub struct Incoming {
    pub body: Vec<u8>,
    /// Where to answer (`reply-to` on STOMP, the reply subject on NATS).
    pub reply_to: Option<String>,
}

/// A message to send.
#[derive(Debug)]
pub struct Outgoing {
    pub target: Target,
    pub body: Vec<u8>,
    /// For requests: the TTL (STOMP's `expiration` header).
    pub ttl: Option<i64>,
    /// For requests: our reply address; the transport supplies one if `None`.
    pub reply_to: Option<String>,
}

/// What to subscribe to.
#[derive(Debug, Clone, PartialEq)]
pub enum Subscription {
    Broadcast {
        collective: String,
        agent: String,
    },
    Directed {
        collective: String,
        identity: String,
    },
    /// The client's replies (NATS: its inbox; STOMP: nothing to subscribe, RabbitMQ's temp queues
    /// deliver replies on the connection that asked).
    Replies,
}

#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error("cannot read middleware URL {0:?} (stomp://user:pass@host:port/vhost or nats://host:port)")]
    Url(String),
    #[error("cannot connect to {0}: {1}")]
    Connect(String, String),
    #[error("the connection to {0} failed: {1}")]
    Io(String, String),
    #[error("the broker {0} refused: {1}")]
    Broker(String, String),
}

/// A live connection: send on `tx`, receive on `rx`. Dropping both closes it.
pub struct Connection {
    pub tx: mpsc::Sender<Outgoing>,
    pub rx: mpsc::Receiver<Incoming>,
    /// The address replies to our requests come back on.
    pub reply_address: String,
    pub describe: String,
}

/// Identifies us to the broker (STOMP `mc_sender`, NATS connection name).
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    pub identity: String,
    pub subscriptions: Vec<Subscription>,
    /// For the STOMP reply queue's name: MCollective names it after the agent.
    pub reply_agent: String,
}

pub async fn connect(mw: &Middleware, opts: ConnectOptions) -> Result<Connection, TransportError> {
    match mw {
        Middleware::Stomp { .. } => stomp::connect(mw, opts).await,
        Middleware::Nats { .. } => nats::connect(mw, opts).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            Middleware::parse("stomp://u:p%40ss@rabbit:61614/mc").unwrap(),
            Middleware::Stomp {
                host: "rabbit".into(),
                port: 61614,
                user: "u".into(),
                password: "p@ss".into(),
                vhost: "mc".into()
            }
        );
        assert_eq!(
            Middleware::parse("stomp://127.0.0.1").unwrap(),
            Middleware::Stomp {
                host: "127.0.0.1".into(),
                port: 61613,
                user: "guest".into(),
                password: "guest".into(),
                vhost: "/".into()
            }
        );
        assert!(matches!(Middleware::parse("nats://127.0.0.1:4222").unwrap(), Middleware::Nats { .. }));
        assert!(Middleware::parse("http://x").is_err());
    }
}
