#pragma once
// Reading X.509 certificates: PEM bundles, and the fields Consul's API reports about them.

#include <openssl/x509.h>

#include <boost/system/result.hpp>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "tls/openssl_ptr.hpp"

namespace gatehouse::tls {

// Every CERTIFICATE block of a PEM bundle, in order (leaf first for Consul's CertPEM). Fails if
// the text holds no certificate or a block does not decode.
boost::system::result<std::vector<X509Ptr>, std::string> parse_pem_chain(std::string_view pem);

// PEM text of one certificate, ending in "\n" (as Consul's RootCert does).
std::string to_pem(const X509* cert);

// Colon hex of the big-endian serial bytes, minimal length: serial 8 -> "08", 0x3c9a11 ->
// "3c:9a:11".
std::string serial_colon_hex(const X509* cert);

// URI and DNS entries of the subjectAltName extension, in certificate order.
std::vector<std::string> uri_sans(const X509* cert);
std::vector<std::string> dns_sans(const X509* cert);

std::chrono::system_clock::time_point not_before(const X509* cert);
std::chrono::system_clock::time_point not_after(const X509* cert);

// SHA-1 of the DER encoding as colon hex: Consul's Roots[].ID.
std::string sha1_fingerprint_colon_hex(const X509* cert);

// The SubjectKeyIdentifier extension as colon hex; empty if the certificate has none.
std::string subject_key_id_colon_hex(const X509* cert);

// RFC 3339 in UTC with second precision, as Go prints time.Time in JSON: "2024-03-05T09:59:00Z".
std::string format_rfc3339(std::chrono::system_clock::time_point t);

}  // namespace gatehouse::tls
