//! TLS for PostgreSQL connections with rustls (ring provider), following
//! libpq's `sslmode` and `sslrootcert`.
//!
//! Invariant: certificates are verified exactly as much as the mode asks:
//! `prefer`/`require` encrypt without checking who the server is (but still
//! check handshake signatures), `verify-ca` checks the chain but not the
//! name, `verify-full` checks both. `require` with a root file behaves like
//! `verify-ca`, as in libpq.

use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};

use super::conninfo::SslMode;

/// How the server's certificate is checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Check {
    /// Encrypt only.
    None,
    /// Chain of trust, any name.
    Chain,
    /// Chain of trust and host name.
    Full,
}

/// Builds the rustls client configuration for `mode`. `rootcert` is the
/// `sslrootcert` setting (a PEM file or `system`); `home_rootcert` is
/// `~/.postgresql/root.crt` when that file exists.
pub fn client_config(
    mode: SslMode,
    rootcert: Option<&str>,
    home_rootcert: Option<&str>,
) -> Result<ClientConfig, String> {
    let check = match mode {
        SslMode::VerifyFull => Check::Full,
        SslMode::VerifyCa => Check::Chain,
        SslMode::Require if rootcert.is_some_and(|r| r != "system") => Check::Chain,
        _ => Check::None,
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS setup failed: {e}"))?;
    let verifier: Arc<dyn ServerCertVerifier> = match check {
        Check::None => Arc::new(EncryptOnly(provider.signature_verification_algorithms)),
        Check::Chain | Check::Full => {
            let roots = root_store(rootcert.or(home_rootcert))?;
            let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .map_err(|e| format!("TLS setup failed: {e}"))?;
            if check == Check::Full {
                webpki
            } else {
                Arc::new(ChainOnly(webpki))
            }
        }
    };
    Ok(builder
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth())
}

/// The largest root certificate file read (bundles of every public root
/// are well under 1 MiB).
const MAX_ROOT_FILE_BYTES: u64 = 16 << 20;

/// Loads the roots: a PEM file, or the built-in set for `system` or nothing.
fn root_store(rootcert: Option<&str>) -> Result<RootCertStore, String> {
    let mut store = RootCertStore::empty();
    match rootcert {
        None | Some("system") => store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
        Some(path) => {
            // A regular file of bounded size: `/dev/zero` would never end.
            let pem = crate::files::read_capped(std::path::Path::new(path), MAX_ROOT_FILE_BYTES)
                .map_err(|e| format!("could not read root certificate file \"{path}\": {e}"))?;
            for cert in CertificateDer::pem_slice_iter(&pem) {
                let cert = cert
                    .map_err(|e| format!("could not read root certificate file \"{path}\": {e}"))?;
                store
                    .add(cert)
                    .map_err(|e| format!("bad certificate in \"{path}\": {e}"))?;
            }
            if store.is_empty() {
                return Err(format!(
                    "no certificates found in root certificate file \"{path}\""
                ));
            }
        }
    }
    Ok(store)
}

/// Accepts any certificate but still verifies the handshake signatures, so
/// the session is encrypted with the key the certificate names.
#[derive(Debug)]
struct EncryptOnly(WebPkiSupportedAlgorithms);

impl ServerCertVerifier for EncryptOnly {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_schemes()
    }
}

/// Verifies the chain of trust but accepts any host name (`verify-ca`).
#[derive(Debug)]
struct ChainOnly(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mode_builds_with_builtin_roots() {
        for mode in [
            SslMode::Disable,
            SslMode::Allow,
            SslMode::Prefer,
            SslMode::Require,
            SslMode::VerifyCa,
            SslMode::VerifyFull,
        ] {
            assert!(client_config(mode, None, None).is_ok(), "{mode:?}");
            assert!(
                client_config(mode, Some("system"), None).is_ok(),
                "{mode:?}"
            );
        }
    }

    #[test]
    fn missing_root_file_is_an_error_when_verifying() {
        let err =
            client_config(SslMode::VerifyFull, Some("/nonexistent/ca.pem"), None).unwrap_err();
        assert!(err.contains("/nonexistent/ca.pem"), "{err}");
        // require with a root file verifies the chain, so it reads the file too
        assert!(client_config(SslMode::Require, Some("/nonexistent/ca.pem"), None).is_err());
        assert!(client_config(SslMode::Prefer, Some("/nonexistent/ca.pem"), None).is_ok());
    }
}
