//! NATS, with subjects after Choria's: requests to `<collective>.broadcast.agent.<agent>` and
//! `<collective>.node.<identity>`, replies to the client's own inbox subject.

use futures::StreamExt;
use tokio::sync::mpsc;

use super::{
    ConnectOptions, Connection, Incoming, Middleware, Outgoing, Subscription, Target, TransportError,
};

pub fn subject(target: &Target) -> String {
    match target {
        Target::Broadcast { collective, agent } => format!("{collective}.broadcast.agent.{agent}"),
        Target::Directed { collective, identity } => format!("{collective}.node.{identity}"),
        Target::Reply(r) => r.clone(),
    }
}

pub async fn connect(mw: &Middleware, opts: ConnectOptions) -> Result<Connection, TransportError> {
    let Middleware::Nats { url, tls } = mw else { unreachable!("a NATS middleware") };
    let describe = mw.describe();
    let mut options = async_nats::ConnectOptions::new()
        .name(format!("bunraku {}", opts.identity))
        .retry_on_initial_connect();
    if let Some(tls) = tls {
        // async-nats builds its TLS configuration with the process's default provider; with more
        // than one provider compiled in (ours is aws-lc-rs) there is none until one is chosen.
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        options = options
            .require_tls(true)
            .add_root_certificates(tls.ca.clone())
            .add_client_certificate(tls.cert.clone(), tls.key.clone());
    }
    let client = tokio::time::timeout(std::time::Duration::from_secs(10), options.connect(url.as_str()))
        .await
        .map_err(|_| TransportError::Connect(describe.clone(), "timed out".into()))?
        .map_err(|e| TransportError::Connect(describe.clone(), e.to_string()))?;
    let inbox = client.new_inbox();
    let (in_tx, in_rx) = mpsc::channel::<Incoming>(4096);
    for sub in &opts.subscriptions {
        let subject = match sub {
            Subscription::Broadcast { collective, agent } => {
                subject(&Target::Broadcast { collective: collective.clone(), agent: agent.clone() })
            }
            Subscription::Directed { collective, identity } => {
                subject(&Target::Directed { collective: collective.clone(), identity: identity.clone() })
            }
            Subscription::Replies => inbox.clone(),
        };
        let mut s = client
            .subscribe(subject)
            .await
            .map_err(|e| TransportError::Io(describe.clone(), e.to_string()))?;
        let tx = in_tx.clone();
        tokio::spawn(async move {
            while let Some(m) = s.next().await {
                let incoming =
                    Incoming { body: m.payload.to_vec(), reply_to: m.reply.map(|r| r.to_string()) };
                if tx.send(incoming).await.is_err() {
                    break;
                }
            }
        });
    }
    drop(in_tx);
    let (out_tx, mut out_rx) = mpsc::channel::<Outgoing>(1024);
    let default_reply = inbox.clone();
    let d2 = describe.clone();
    tokio::spawn(async move {
        while let Some(msg) = out_rx.recv().await {
            let subject = subject(&msg.target);
            let result = if matches!(msg.target, Target::Reply(_)) {
                client.publish(subject, msg.body.into()).await
            } else {
                let reply = msg.reply_to.clone().unwrap_or_else(|| default_reply.clone());
                client.publish_with_reply(subject, reply, msg.body.into()).await
            };
            if let Err(e) = result {
                tracing::warn!("publishing to {d2} failed: {e}");
                break;
            }
        }
        let _ = client.flush().await;
    });
    Ok(Connection { tx: out_tx, rx: in_rx, reply_address: inbox, describe })
}
