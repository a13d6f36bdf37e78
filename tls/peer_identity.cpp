#include "tls/peer_identity.hpp"

#include <openssl/x509.h>

#include <boost/algorithm/string/predicate.hpp>

#include "tls/certificate.hpp"

namespace gatehouse::tls {
namespace {

using Result = boost::system::result<PeerIdentity, std::string>;

Result fail(std::string reason) { return {boost::system::in_place_error, std::move(reason)}; }

}  // namespace

Result peer_identity(SSL* ssl) {
  const X509* leaf = SSL_get0_peer_certificate(ssl);
  if (leaf == nullptr) return fail("no peer certificate");
  const long verify = SSL_get_verify_result(ssl);
  if (verify != X509_V_OK) {
    return fail(std::string{"peer certificate not verified: "} +
                X509_verify_cert_error_string(verify));
  }
  return leaf_identity(leaf);
}

Result leaf_identity(const X509* leaf) {
  // A resumed session skips verification: its certificate must still be within its validity.
  if (X509_cmp_current_time(X509_get0_notAfter(leaf)) <= 0) {
    return fail("peer certificate has expired");
  }
  const auto uris = uri_sans(leaf);
  if (uris.size() != 1) {
    return fail("peer certificate has " + std::to_string(uris.size()) +
                " URI SANs, expected exactly 1");
  }
  auto id = SpiffeId::parse(uris.front());
  if (!id) return fail(id.error());
  return PeerIdentity{std::move(*id), serial_colon_hex(leaf)};
}

boost::system::result<void, std::string> verify_server_identity(const SpiffeId& presented,
                                                                const ServiceIdentity& expected) {
  ServiceIdentity rehosted = expected;
  rehosted.trust_domain = presented.trust_domain();
  const std::string got = presented.to_string();
  if (boost::algorithm::iequals(got, SpiffeId{rehosted}.to_string(), std::locale::classic())) {
    return {};
  }
  return "peer certificate mismatch got " + got + ", want " + SpiffeId{expected}.to_string();
}

}  // namespace gatehouse::tls
