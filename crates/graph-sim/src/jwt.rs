//! The simulator's JWT primitives: its committed keys, compact JWTs signed
//! with them, and the signature check that Graph, SharePoint REST and the
//! token endpoint of the simulator run.
//!
//! The keys under `keys/` are TEST KEYS WITH NO VALUE (keys/README.md):
//! committed on purpose, trusted by nothing but this simulator.

use std::sync::LazyLock;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::{AlgorithmParameters, Jwk};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

/// The `kid` of the simulator's signing key, the one key its JWKS publishes.
pub const SIM_KEY_ID: &str = "sim-2026-1";
/// The `kid` the rogue key signs with by default; never published.
pub const ROGUE_KEY_ID: &str = "rogue-1";

// Test keys with no value (keys/README.md).
const SIGNING_PEM: &str = include_str!("../keys/signing.pem");
const SIGNING_PUBLIC_PEM: &str = include_str!("../keys/signing.pub.pem");
const ROGUE_PEM: &str = include_str!("../keys/rogue.pem");
const AWS_ISSUER_PEM: &str = include_str!("../keys/aws-issuer.pem");
/// The API registration's certificate credential (a self-signed test
/// certificate of no value, keys/README.md), as a PEM `CERTIFICATE`.
pub const SIM_API_CLIENT_CERT_PEM: &str = include_str!("../keys/client-cert.pem");
/// Its private key (PKCS#8 PEM): what signs a `client_assertion`.
pub const SIM_API_CLIENT_KEY_PEM: &str = include_str!("../keys/client-cert.key.pem");

/// One RSA key: what signs with it, what verifies it, its JWK `n` and `e`.
pub(crate) struct RsaKey {
    encoding: EncodingKey,
    decoding: DecodingKey,
    n: String,
    e: String,
}

impl RsaKey {
    fn from_pem(pem: &str) -> Self {
        let encoding = EncodingKey::from_rsa_pem(pem.as_bytes())
            .expect("the committed test key is an RSA PKCS#8 PEM");
        let jwk = Jwk::from_encoding_key(&encoding, Algorithm::RS256)
            .expect("the committed test key has public components");
        let AlgorithmParameters::RSA(rsa) = jwk.algorithm else {
            panic!("the committed test key is not RSA");
        };
        let decoding = DecodingKey::from_rsa_components(&rsa.n, &rsa.e)
            .expect("the committed test key's components read back");
        Self {
            encoding,
            decoding,
            n: rsa.n,
            e: rsa.e,
        }
    }

    /// The key as a JWKS entry, Entra's shape (`kty`, `use`, `kid`, `n`,
    /// `e`, `alg`; `issuer` as Entra's v2 key sets carry it).
    pub(crate) fn jwk(&self, kid: &str, issuer: &str) -> Value {
        json!({
            "kty": "RSA",
            "use": "sig",
            "kid": kid,
            "n": self.n,
            "e": self.e,
            "alg": "RS256",
            "issuer": issuer,
        })
    }
}

/// The simulator's signing key (kid [`SIM_KEY_ID`]).
pub(crate) static SIGNING: LazyLock<RsaKey> = LazyLock::new(|| RsaKey::from_pem(SIGNING_PEM));
/// The attacker's key: never published unless a test rotates it in.
pub(crate) static ROGUE: LazyLock<RsaKey> = LazyLock::new(|| RsaKey::from_pem(ROGUE_PEM));
/// The simulated AWS account's outbound identity federation key.
pub(crate) static AWS_ISSUER: LazyLock<RsaKey> = LazyLock::new(|| RsaKey::from_pem(AWS_ISSUER_PEM));

/// Checks that `token` is signed RS256 (exactly) by `key`.
pub(crate) fn verify_rs256_by(token: &str, key: &RsaKey) -> Result<(), SignatureError> {
    let (header, _, signature) = parts(token).ok_or(SignatureError::Malformed)?;
    let header = object_of(header).ok_or(SignatureError::Malformed)?;
    if header.get("alg").and_then(Value::as_str) != Some("RS256") {
        return Err(SignatureError::AlgorithmNotAllowed);
    }
    let input = &token.as_bytes()[..token.len() - signature.len() - 1];
    match jsonwebtoken::crypto::verify(signature, input, &key.decoding, Algorithm::RS256) {
        Ok(true) => Ok(()),
        _ => Err(SignatureError::BadSignature),
    }
}

/// The certificate credential: its key pair and its `x5t#S256` thumbprint
/// (base64url of the SHA-256 of the certificate's DER).
pub(crate) struct ClientCertificate {
    encoding: EncodingKey,
    decoding: DecodingKey,
    pub(crate) thumbprint_s256: String,
}

pub(crate) static CLIENT_CERTIFICATE: LazyLock<ClientCertificate> = LazyLock::new(|| {
    let body: String = SIM_API_CLIENT_CERT_PEM
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(body.trim())
        .expect("the committed certificate is PEM");
    ClientCertificate {
        encoding: EncodingKey::from_rsa_pem(SIM_API_CLIENT_KEY_PEM.as_bytes())
            .expect("the committed certificate key is an RSA PKCS#8 PEM"),
        decoding: DecodingKey::from_rsa_pem(SIM_API_CLIENT_CERT_PEM.as_bytes())
            .expect("the committed certificate has an RSA key"),
        thumbprint_s256: URL_SAFE_NO_PAD.encode(Sha256::digest(&der)),
    }
});

/// A `client_assertion` header and claims, signed PS256 with the
/// certificate's key.
pub(crate) fn sign_client_assertion(header: &Value, claims: &Map<String, Value>) -> String {
    let input = signing_input(header, claims);
    let signature = jsonwebtoken::crypto::sign(
        input.as_bytes(),
        &CLIENT_CERTIFICATE.encoding,
        Algorithm::PS256,
    )
    .expect("PS256 signs with an RSA-2048 key");
    format!("{input}.{signature}")
}

/// Checks a `client_assertion`: `alg` RS256 or PS256, `x5t#S256` the
/// registered certificate's, a signature by its key.
pub(crate) fn verify_client_assertion(token: &str) -> Result<(), SignatureError> {
    let (header, _, signature) = parts(token).ok_or(SignatureError::Malformed)?;
    let header = object_of(header).ok_or(SignatureError::Malformed)?;
    let alg = match header.get("alg").and_then(Value::as_str) {
        Some("RS256") => Algorithm::RS256,
        Some("PS256") => Algorithm::PS256,
        _ => return Err(SignatureError::AlgorithmNotAllowed),
    };
    let thumbprint = header.get("x5t#S256").and_then(Value::as_str);
    if thumbprint != Some(CLIENT_CERTIFICATE.thumbprint_s256.as_str()) {
        return Err(SignatureError::UnknownKey);
    }
    let input = &token.as_bytes()[..token.len() - signature.len() - 1];
    match jsonwebtoken::crypto::verify(signature, input, &CLIENT_CERTIFICATE.decoding, alg) {
        Ok(true) => Ok(()),
        _ => Err(SignatureError::BadSignature),
    }
}

/// Seconds since the Unix epoch.
pub(crate) fn epoch_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn b64_json(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

/// `header.claims` of a compact JWT, before its signature.
pub(crate) fn signing_input(header: &Value, claims: &Map<String, Value>) -> String {
    format!(
        "{}.{}",
        b64_json(header),
        b64_json(&Value::Object(claims.clone()))
    )
}

/// A compact JWT with `header` as given, signed RS256 with `key`.
pub(crate) fn sign_rs256(header: &Value, claims: &Map<String, Value>, key: &RsaKey) -> String {
    let input = signing_input(header, claims);
    let signature = jsonwebtoken::crypto::sign(input.as_bytes(), &key.encoding, Algorithm::RS256)
        .expect("RS256 signs with an RSA-2048 key");
    format!("{input}.{signature}")
}

/// The standard header of the simulator's tokens.
pub(crate) fn sim_header() -> Value {
    json!({"typ": "JWT", "alg": "RS256", "kid": SIM_KEY_ID})
}

/// Signed by the simulator's key under its published `kid`.
pub(crate) fn sign_sim(claims: &Map<String, Value>) -> String {
    sign_rs256(&sim_header(), claims, &SIGNING)
}

/// The classic key-confusion attack: `alg: HS256`, keyed with the bytes of
/// the published RSA public key's PEM.
pub(crate) fn sign_hs256_with_public_key(claims: &Map<String, Value>) -> String {
    let header = json!({"typ": "JWT", "alg": "HS256", "kid": SIM_KEY_ID});
    let input = signing_input(&header, claims);
    let key = EncodingKey::from_secret(SIGNING_PUBLIC_PEM.as_bytes())
        .expect("any bytes make an HMAC secret");
    let signature = jsonwebtoken::crypto::sign(input.as_bytes(), &key, Algorithm::HS256)
        .expect("HS256 signs with any secret");
    format!("{input}.{signature}")
}

/// `alg: none` and an empty signature.
pub(crate) fn unsigned(claims: &Map<String, Value>) -> String {
    let header = json!({"typ": "JWT", "alg": "none"});
    format!("{}.", signing_input(&header, claims))
}

/// Valid header and claims under signature bytes that do not verify (a
/// valid signature of other claims: right length, wrong value).
pub(crate) fn forged(claims: &Map<String, Value>) -> String {
    let mut other = claims.clone();
    other.insert("forged".to_owned(), json!(true));
    let elsewhere = sign_sim(&other);
    let signature = elsewhere.rsplit('.').next().unwrap_or_default();
    format!("{}.{signature}", signing_input(&sim_header(), claims))
}

/// A JSON object from one base64url part of a compact JWT.
fn object_of(part: &str) -> Option<Map<String, Value>> {
    let bytes = URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

/// The three parts of a compact JWS.
fn parts(token: &str) -> Option<(&str, &str, &str)> {
    let mut parts = token.split('.');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(h), Some(p), Some(s), None) => Some((h, p, s)),
        _ => None,
    }
}

/// The claims of a compact JWT, if it is one, unverified (the log and the
/// checks' order read them before the signature is checked).
pub(crate) fn claims_of(token: &str) -> Option<Map<String, Value>> {
    object_of(parts(token)?.1)
}

/// The header of a compact JWT, if it is one, unverified.
pub(crate) fn header_of(token: &str) -> Option<Map<String, Value>> {
    object_of(parts(token)?.0)
}

/// Why a token's signature does not hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SignatureError {
    /// Not three parts, or a header that is no JSON object.
    Malformed,
    /// `alg` is not `RS256` (`none`, `HS256`, …).
    AlgorithmNotAllowed,
    /// No `kid`, or one the key set does not publish.
    UnknownKey,
    /// The RS256 signature does not verify with the published key.
    BadSignature,
}

/// SHA-256 (hex) of the one token the simulator trusts without a signature
/// of its key: the demo guest's placeholder Graph token committed in the
/// Lambda events (`events/`, made by `events/make-events.py` with Python's
/// standard library, which cannot sign RS256; `exp` 2100). Pinned to that
/// exact string, so no other claims or header can ride on it. To retire
/// once the events carry a token signed with `keys/signing.pem`.
const EVENT_FIXTURE_TOKEN_SHA256: &str =
    "50fb34ab64d04f7cb72226c4ce00fdee40676264b0f7c3168f5a8562afcc28d4";

fn is_event_fixture(token: &str) -> bool {
    let digest = Sha256::digest(token.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    hex == EVENT_FIXTURE_TOKEN_SHA256
}

/// The keys a key set publishes: the simulator's, plus the rogue key under
/// the `kid`s a test rotated it in with.
#[derive(Debug, Clone, Default)]
pub(crate) struct Published {
    pub(crate) rogue_kids: Vec<String>,
}

impl Published {
    fn key(&self, kid: &str) -> Option<&'static RsaKey> {
        if kid == SIM_KEY_ID {
            Some(&SIGNING)
        } else if self.rogue_kids.iter().any(|k| k == kid) {
            Some(&ROGUE)
        } else {
            None
        }
    }

    /// The JWKS document for a tenant's `issuer`.
    pub(crate) fn jwks(&self, issuer: &str) -> Value {
        let mut keys = vec![SIGNING.jwk(SIM_KEY_ID, issuer)];
        keys.extend(self.rogue_kids.iter().map(|kid| ROGUE.jwk(kid, issuer)));
        json!({"keys": keys})
    }

    /// Checks `token`'s header and RS256 signature against these keys (the
    /// pinned events fixture aside).
    pub(crate) fn verify(&self, token: &str) -> Result<(), SignatureError> {
        if is_event_fixture(token) {
            return Ok(());
        }
        let (header, _, signature) = parts(token).ok_or(SignatureError::Malformed)?;
        let header = object_of(header).ok_or(SignatureError::Malformed)?;
        if header.get("alg").and_then(Value::as_str) != Some("RS256") {
            return Err(SignatureError::AlgorithmNotAllowed);
        }
        let key = header
            .get("kid")
            .and_then(Value::as_str)
            .and_then(|kid| self.key(kid))
            .ok_or(SignatureError::UnknownKey)?;
        let input_len = token.len() - signature.len() - 1;
        let input = &token.as_bytes()[..input_len];
        match jsonwebtoken::crypto::verify(signature, input, &key.decoding, Algorithm::RS256) {
            Ok(true) => Ok(()),
            _ => Err(SignatureError::BadSignature),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims() -> Map<String, Value> {
        match json!({"sub": "x", "exp": epoch_now() + 60}) {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    #[test]
    fn only_rs256_by_a_published_key_verifies() {
        let keys = Published::default();
        let good = sign_sim(&claims());
        assert_eq!(keys.verify(&good), Ok(()));
        assert_eq!(
            header_of(&good).and_then(|h| h.get("kid").cloned()),
            Some(json!(SIM_KEY_ID))
        );
        assert_eq!(
            keys.verify(&forged(&claims())),
            Err(SignatureError::BadSignature)
        );
        assert_eq!(
            keys.verify(&unsigned(&claims())),
            Err(SignatureError::AlgorithmNotAllowed)
        );
        assert_eq!(
            keys.verify(&sign_hs256_with_public_key(&claims())),
            Err(SignatureError::AlgorithmNotAllowed)
        );
        let rogue = sign_rs256(
            &json!({"alg": "RS256", "kid": ROGUE_KEY_ID}),
            &claims(),
            &ROGUE,
        );
        assert_eq!(keys.verify(&rogue), Err(SignatureError::UnknownKey));
        // The rogue key under the simulator's kid: a bad signature.
        let impostor = sign_rs256(&sim_header(), &claims(), &ROGUE);
        assert_eq!(keys.verify(&impostor), Err(SignatureError::BadSignature));
        // Rotated in, the rogue key verifies its own tokens.
        let rotated = Published {
            rogue_kids: vec![ROGUE_KEY_ID.to_owned()],
        };
        assert_eq!(rotated.verify(&rogue), Ok(()));
        assert_eq!(keys.verify("a.b"), Err(SignatureError::Malformed));
        // The events' placeholder token, exactly, and nothing like it.
        let fixture = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiIsImtpZCI6ImRlbW8ifQ.eyJhdWQiOiIwMDAwMDAwMy0wMDAwLTAwMDAtYzAwMC0wMDAwMDAwMDAwMDAiLCJ0aWQiOiI1ZjFjMmY3YS03ZDRlLTRlN2ItOWE1MS0xZDJjM2I0YTVmNjAiLCJvaWQiOiJhMWIyYzNkNC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDEiLCJzY3AiOiJGaWxlcy5SZWFkLkFsbCBTaXRlcy5SZWFkLkFsbCBVc2VyLlJlYWQiLCJleHAiOjQxMDI0NDQ4MDAsImlhdCI6MTc2NzIyNTYwMCwibmJmIjoxNzY3MjI1NjAwLCJ1cG4iOiJndWVzdF9leGFtcGxlLmNvbSNFWFQjQGNvbnRvc28ub25taWNyb3NvZnQuY29tIiwiYWNjdCI6MX0.ZGVtby1zaWduYXR1cmU";
        assert_eq!(keys.verify(fixture), Ok(()));
        let (unsigned_part, _) = fixture.rsplit_once('.').unwrap_or_default();
        assert!(
            keys.verify(&format!("{unsigned_part}.ZGVtby1zaWduYXR1cmX"))
                .is_err()
        );
        assert!(keys.verify(&format!("{fixture}x")).is_err());
        assert_eq!(keys.verify("a.b.c"), Err(SignatureError::Malformed));
    }

    #[test]
    fn the_published_key_is_the_signing_keys_public_half() {
        let pem_key = DecodingKey::from_rsa_pem(SIGNING_PUBLIC_PEM.as_bytes());
        let Ok(pem_key) = pem_key else {
            panic!("signing.pub.pem reads");
        };
        let good = sign_sim(&claims());
        let (input, signature) = good.rsplit_once('.').unwrap_or_default();
        assert_eq!(
            jsonwebtoken::crypto::verify(signature, input.as_bytes(), &pem_key, Algorithm::RS256)
                .ok(),
            Some(true)
        );
        let jwks = Published::default().jwks("https://issuer");
        assert_eq!(jwks["keys"][0]["kid"], SIM_KEY_ID);
        assert_eq!(jwks["keys"][0]["e"], "AQAB");
        assert_eq!(jwks["keys"].as_array().map(Vec::len), Some(1));
    }
}
