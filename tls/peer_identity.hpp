#pragma once
// Who is on the other end of a verified Connect TLS connection, and is it who we dialed?

#include <openssl/ssl.h>

#include <boost/system/result.hpp>
#include <string>

#include "tls/spiffe_id.hpp"

namespace gatehouse::tls {

struct PeerIdentity {
  SpiffeId id;
  std::string serial_hex{};  // colon hex, as authorize's ClientCertSerial
};

// The SPIFFE ID of the peer's leaf after a successful handshake. The leaf must have passed chain
// verification and carry exactly one URI SAN. Reasons: "no peer certificate", "peer certificate
// not verified: <why>", "peer certificate has N URI SANs, expected exactly 1", or the parse reason.
boost::system::result<PeerIdentity, std::string> peer_identity(SSL* ssl);

// The checks peer_identity() applies to the verified leaf itself: still within its validity,
// exactly one URI SAN, a SPIFFE ID Consul would issue. Same reasons as above.
boost::system::result<PeerIdentity, std::string> leaf_identity(const X509* leaf);

// Consul's outbound check (connect/tls.go verifyServerCertMatchesURI): the expected service URI,
// with its trust domain replaced by the presented one, must equal the presented URI ignoring
// case. Error: "peer certificate mismatch got <presented>, want <expected>".
boost::system::result<void, std::string> verify_server_identity(const SpiffeId& presented,
                                                                const ServiceIdentity& expected);

}  // namespace gatehouse::tls
