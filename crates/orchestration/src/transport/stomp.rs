//! RabbitMQ over STOMP, laid out as MCollective's `rabbitmq` connector does: requests to
//! `/exchange/<collective>_broadcast/<agent>` (a topic exchange) and
//! `/exchange/<collective>_directed/<identity>` (a direct exchange), with `reply-to:
//! /temp-queue/mcollective_reply_<agent>`, which RabbitMQ turns into a private queue delivering
//! replies on the connection that asked; servers publish replies to the `reply-to` they received.

use async_stomp::client::{Connector, Subscriber};
use async_stomp::{FromServer, Message, ToServer};
use futures::{SinkExt, StreamExt};
use tokio::sync::mpsc;

use super::{
    ConnectOptions, Connection, Incoming, Middleware, Outgoing, Subscription, Target, TransportError,
};

pub fn destination(target: &Target) -> String {
    match target {
        Target::Broadcast { collective, agent } => format!("/exchange/{collective}_broadcast/{agent}"),
        Target::Directed { collective, identity } => format!("/exchange/{collective}_directed/{identity}"),
        Target::Reply(r) => r.clone(),
    }
}

pub async fn connect(mw: &Middleware, opts: ConnectOptions) -> Result<Connection, TransportError> {
    let Middleware::Stomp { host, port, user, password, vhost } = mw else {
        unreachable!("a STOMP middleware")
    };
    let describe = mw.describe();
    let mut conn = Connector::builder()
        .server(format!("{host}:{port}"))
        .virtualhost(vhost.clone())
        .login(user.clone())
        .passcode(password.clone())
        .heartbeat(30_000, 30_000)
        .connect()
        .await
        .map_err(|e| TransportError::Connect(describe.clone(), e.to_string()))?;
    for (n, sub) in opts.subscriptions.iter().enumerate() {
        let (dest, id) = match sub {
            Subscription::Broadcast { collective, agent } => (
                destination(&Target::Broadcast { collective: collective.clone(), agent: agent.clone() }),
                format!("{collective}_broadcast_{agent}"),
            ),
            Subscription::Directed { collective, identity } => (
                destination(&Target::Directed { collective: collective.clone(), identity: identity.clone() }),
                format!("{collective}_{identity}_directed_to_identity_{n}"),
            ),
            Subscription::Replies => continue,
        };
        conn.send(Subscriber::builder().destination(dest).id(id).subscribe())
            .await
            .map_err(|e| TransportError::Io(describe.clone(), e.to_string()))?;
    }
    let reply_address = format!("/temp-queue/mcollective_reply_{}", opts.reply_agent);
    let (out_tx, mut out_rx) = mpsc::channel::<Outgoing>(1024);
    let (in_tx, in_rx) = mpsc::channel::<Incoming>(4096);
    let (mut sink, mut stream) = conn.split();
    let identity = opts.identity.clone();
    let default_reply = reply_address.clone();
    let d2 = describe.clone();
    tokio::spawn(async move {
        while let Some(msg) = out_rx.recv().await {
            let mut headers = vec![("mc_sender".to_string(), identity.clone())];
            if let Some(ttl) = msg.ttl {
                headers.push(("expiration".to_string(), ((ttl + 10) * 1000).to_string()));
            }
            if !matches!(msg.target, Target::Reply(_)) {
                headers.push((
                    "reply-to".to_string(),
                    msg.reply_to.clone().unwrap_or_else(|| default_reply.clone()),
                ));
            }
            let frame: Message<ToServer> = ToServer::Send {
                destination: destination(&msg.target),
                transaction: None,
                headers: Some(headers),
                body: Some(msg.body),
            }
            .into();
            if let Err(e) = sink.send(frame).await {
                tracing::warn!("sending to {d2} failed: {e}");
                break;
            }
        }
    });
    let d3 = describe.clone();
    tokio::spawn(async move {
        while let Some(item) = stream.next().await {
            match item {
                Ok(Message { content: FromServer::Message { headers, body, .. }, .. }) => {
                    let reply_to = headers.iter().find(|(k, _)| k == "reply-to").map(|(_, v)| v.clone());
                    if in_tx.send(Incoming { body: body.unwrap_or_default(), reply_to }).await.is_err() {
                        break;
                    }
                }
                Ok(Message { content: FromServer::Error { message, body }, .. }) => {
                    tracing::error!(
                        "the broker {d3} reported an error: {} {}",
                        message.unwrap_or_default(),
                        body.map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default()
                    );
                    break;
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!("the connection to {d3} failed: {e}");
                    break;
                }
            }
        }
    });
    Ok(Connection { tx: out_tx, rx: in_rx, reply_address, describe })
}
