//! Users and their sessions, in the same database as the reports so that several dashboard
//! processes behind a load balancer share logins.

use serde::Serialize;
use sqlx::Row;

use super::{now_ms, Store, TextColumn};
use crate::error::{DashboardError, DbContext, Result};

/// What a user may do: viewers read, admins also manage users and nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Viewer,
    Admin,
}

impl Role {
    /// The name stored and accepted on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Admin => "admin",
        }
    }

    /// Parses `viewer` or `admin`.
    pub fn parse(s: &str) -> Result<Role> {
        match s {
            "viewer" => Ok(Role::Viewer),
            "admin" => Ok(Role::Admin),
            other => Err(DashboardError::Invalid(format!("unknown role {other:?}: use viewer or admin"))),
        }
    }
}

/// A dashboard account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub role: Role,
}

/// A logged-in session: who, and the CSRF token its forms must carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    pub user: User,
    pub csrf: String,
}

/// A fresh unguessable token (two v4 UUIDs: 244 random bits from the OS generator).
pub(crate) fn random_token() -> String {
    format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple())
}

impl Store {
    /// Creates a user, or replaces the password and role of an existing one.
    pub async fn add_user(&self, name: &str, password: &str, role: Role) -> Result<()> {
        if name.is_empty() || name.len() > 255 || name.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(DashboardError::Invalid(format!(
                "user name {name:?} must be 1-255 characters without spaces"
            )));
        }
        if password.len() < 8 {
            return Err(DashboardError::Invalid("password must have at least 8 characters".into()));
        }
        let hash = crate::auth::hash_password(password)?;
        let ctx = || format!("add user {name}");
        let updated = sqlx::query(&self.sql("UPDATE users SET password_hash = ?, role = ? WHERE name = ?"))
            .bind(&hash)
            .bind(role.as_str())
            .bind(name)
            .execute(&self.pool)
            .await
            .ctx(ctx())?;
        if updated.rows_affected() == 0 {
            sqlx::query(
                &self.sql("INSERT INTO users (name, password_hash, role, created_at) VALUES (?, ?, ?, ?)"),
            )
            .bind(name)
            .bind(&hash)
            .bind(role.as_str())
            .bind(now_ms())
            .execute(&self.pool)
            .await
            .ctx(ctx())?;
        }
        tracing::info!(user = name, role = role.as_str(), "dashboard user saved");
        Ok(())
    }

    /// The user if the password matches.
    pub async fn verify_login(&self, name: &str, password: &str) -> Result<Option<User>> {
        let row = sqlx::query(&self.sql("SELECT id, password_hash, role FROM users WHERE name = ?"))
            .bind(name)
            .fetch_optional(&self.pool)
            .await
            .ctx("check login")?;
        let Some(row) = row else {
            // Spend the same time as a real check, so that timing does not reveal user names.
            let _ = crate::auth::verify_password(password, crate::auth::DUMMY_HASH);
            return Ok(None);
        };
        let hash = row.text(1).ctx("check login")?;
        if !crate::auth::verify_password(password, &hash) {
            return Ok(None);
        }
        let role = row.text(2).ctx("check login")?;
        Ok(Some(User {
            id: row.try_get(0).ctx("check login")?,
            name: name.to_string(),
            role: Role::parse(&role)?,
        }))
    }

    /// Opens a session; returns its cookie token.
    pub async fn create_session(&self, user: &User, ttl_ms: i64) -> Result<String> {
        let token = random_token();
        sqlx::query(&self.sql("INSERT INTO sessions (token, user_id, csrf, expires_at) VALUES (?, ?, ?, ?)"))
            .bind(&token)
            .bind(user.id)
            .bind(random_token())
            .bind(now_ms() + ttl_ms)
            .execute(&self.pool)
            .await
            .ctx("create session")?;
        Ok(token)
    }

    /// The live session behind a cookie token.
    pub async fn session(&self, token: &str) -> Result<Option<SessionInfo>> {
        let row = sqlx::query(&self.sql(
            "SELECT u.id, u.name, u.role, s.csrf FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token = ? AND s.expires_at > ?",
        ))
        .bind(token)
        .bind(now_ms())
        .fetch_optional(&self.pool)
        .await
        .ctx("load session")?;
        let Some(row) = row else { return Ok(None) };
        let role = row.text(2).ctx("load session")?;
        Ok(Some(SessionInfo {
            user: User {
                id: row.try_get(0).ctx("load session")?,
                name: row.text(1).ctx("load session")?,
                role: Role::parse(&role)?,
            },
            csrf: row.text(3).ctx("load session")?,
        }))
    }

    /// Ends a session (logout) and drops expired ones.
    pub async fn delete_session(&self, token: &str) -> Result<()> {
        sqlx::query(&self.sql("DELETE FROM sessions WHERE token = ? OR expires_at < ?"))
            .bind(token)
            .bind(now_ms())
            .execute(&self.pool)
            .await
            .ctx("delete session")?;
        Ok(())
    }

    /// The accounts, for the admin's user page.
    pub async fn users(&self) -> Result<Vec<User>> {
        let rows = sqlx::query("SELECT id, name, role FROM users ORDER BY name")
            .fetch_all(&self.pool)
            .await
            .ctx("list users")?;
        rows.iter()
            .map(|r| {
                let role = r.text(2).ctx("list users")?;
                Ok(User {
                    id: r.try_get(0).ctx("list users")?,
                    name: r.text(1).ctx("list users")?,
                    role: Role::parse(&role)?,
                })
            })
            .collect()
    }
}
