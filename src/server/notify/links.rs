//! Signed links in messages: "stop these reminders" works without logging in, because the
//! link itself proves which account it was sent to (HMAC-SHA256 with a server-held key).

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The key behind every signed link; kept in the database like the session key, so every
/// app process and every restart accept the same links.
#[derive(Clone)]
pub struct Signer {
    key: Vec<u8>,
}

const UNSUBSCRIBE: &str = "unsubscribe-reminders";

impl Signer {
    pub fn new(key: &[u8]) -> Signer {
        Signer { key: key.to_vec() }
    }

    /// The key from the database (made once), as `router` and the worker both read it.
    pub async fn stored(db: &crate::server::db::Db) -> Result<Signer, String> {
        let secret = crate::server::db::users::stored_secret(db, "link_key", || {
            crate::server::random_token() + &crate::server::random_token()
        })
        .await
        .map_err(|e| format!("cannot read the link key: {e}"))?;
        Ok(Signer::new(secret.as_bytes()))
    }

    fn mac(&self, purpose: &str, subject: i64) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key");
        mac.update(format!("{purpose}:{subject}").as_bytes());
        mac
    }

    /// `<user id>.<signature>`: the token of a user's unsubscribe link.
    pub fn unsubscribe_token(&self, user_id: i64) -> String {
        let signature = self.mac(UNSUBSCRIBE, user_id).finalize().into_bytes();
        format!("{user_id}.{}", crate::server::hex(&signature))
    }

    /// The user a token was made for, if its signature holds (checked in constant time).
    pub fn unsubscribe_user(&self, token: &str) -> Option<i64> {
        let (id, signature) = token.split_once('.')?;
        let user_id: i64 = id.parse().ok()?;
        let bytes = unhex(signature)?;
        self.mac(UNSUBSCRIBE, user_id)
            .verify_slice(&bytes)
            .ok()
            .map(|()| user_id)
    }
}

/// HMAC-SHA256 of `body` under `secret`, hex: the webhook's signature.
pub fn sign(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(body);
    crate::server::hex(&mac.finalize().into_bytes())
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_name_their_user_and_cannot_be_forged() {
        let signer = Signer::new(b"key one");
        let token = signer.unsubscribe_token(42);
        assert_eq!(signer.unsubscribe_user(&token), Some(42));
        // Another user's id with this signature, another key, or a damaged token: refused.
        let forged = token.replacen("42.", "43.", 1);
        assert_eq!(signer.unsubscribe_user(&forged), None);
        assert_eq!(Signer::new(b"key two").unsubscribe_user(&token), None);
        assert_eq!(signer.unsubscribe_user(&token[..token.len() - 2]), None);
        assert_eq!(signer.unsubscribe_user("42"), None);
        assert_eq!(signer.unsubscribe_user("x.00"), None);
    }

    #[test]
    fn webhook_signatures_are_hmac_sha256() {
        // RFC 4231 test case 2.
        assert_eq!(
            sign("Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
