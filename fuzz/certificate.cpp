// Outside bytes: a peer's certificate, from which the sidecar takes the caller's identity
// (tls/peer_identity.hpp leaf_identity: validity, exactly one URI SAN, SPIFFE ID, serial), and
// the certificate fields we read for Consul's API and logs (tls/certificate.hpp: SANs, serial,
// SHA-1 and key id as colon hex, validity as RFC 3339). First byte even: the rest is DER, as a TLS
// handshake delivers it; odd: a PEM bundle, as the agent's CertPEM/RootCert carry it.
// Invariants: nothing crashes or throws; an accepted identity is the parse of the single URI SAN
// with the certificate's serial; a refusal's reason is printable (it is logged); colon hex is
// well-formed; PEM output parses back to the same certificate.
//
// Everything per input is pure parsing; no key, context or SSL object is created (they would
// dominate the time per input).

#include "tls/certificate.hpp"

#include <openssl/err.h>
#include <openssl/x509.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.hpp"
#include "tls/openssl_ptr.hpp"
#include "tls/peer_identity.hpp"

using namespace gatehouse;

namespace {

bool is_colon_hex(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    if (i % 3 == 2 ? c != ':' : !hex) return false;
  }
  return s.empty() || s.size() % 3 == 2;
}

bool is_printable(std::string_view s) {
  for (const char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b >= 0x7f) return false;
  }
  return true;
}

std::vector<std::uint8_t> der_of(const X509* cert) {
  const int len = i2d_X509(cert, nullptr);
  if (len <= 0) return {};
  std::vector<std::uint8_t> out(static_cast<std::size_t>(len));
  auto* p = out.data();
  i2d_X509(cert, &p);
  return out;
}

void check_certificate(const X509* cert) {
  const auto uris = tls::uri_sans(cert);
  static_cast<void>(tls::dns_sans(cert));
  const auto serial = tls::serial_colon_hex(cert);
  FUZZ_CHECK(is_colon_hex(serial), serial);
  const auto sha1 = tls::sha1_fingerprint_colon_hex(cert);
  FUZZ_CHECK(sha1.size() == 59 && is_colon_hex(sha1), sha1);
  const auto skid = tls::subject_key_id_colon_hex(cert);
  FUZZ_CHECK(is_colon_hex(skid), skid);
  const auto not_before = tls::format_rfc3339(tls::not_before(cert));
  const auto not_after = tls::format_rfc3339(tls::not_after(cert));
  FUZZ_CHECK(not_before.size() == 20 && not_after.size() == 20, not_before + " " + not_after);

  const auto identity = tls::leaf_identity(cert);
  if (identity) {
    FUZZ_CHECK(uris.size() == 1, "identity without exactly one URI SAN");
    const auto id = tls::SpiffeId::parse(uris.front());
    FUZZ_CHECK(id && *id == identity->id, uris.front());
    FUZZ_CHECK(identity->serial_hex == serial, identity->serial_hex);
  } else {
    FUZZ_CHECK(!identity.error().empty() && is_printable(identity.error()), identity.error());
  }

  const auto pem = tls::to_pem(cert);
  const auto chain = tls::parse_pem_chain(pem);
  FUZZ_CHECK(chain && chain->size() == 1, pem);
  FUZZ_CHECK(der_of(chain->front().get()) == der_of(cert), "PEM round trip changed the DER");
}

void check_input(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return;
  const std::uint8_t* body = data + 1;
  const auto body_size = size - 1;
  if (data[0] % 2 == 0) {
    const unsigned char* p = body;
    tls::X509Ptr cert{d2i_X509(nullptr, &p, static_cast<long>(body_size))};
    if (cert) check_certificate(cert.get());
    return;
  }
  const auto chain = tls::parse_pem_chain({reinterpret_cast<const char*>(body), body_size});
  if (!chain) {
    FUZZ_CHECK(!chain.error().empty(), "empty PEM error");
    return;
  }
  FUZZ_CHECK(!chain->empty(), "an accepted PEM bundle without certificates");
  for (const auto& cert : *chain) check_certificate(cert.get());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  check_input(data, size);
  // A failed parse leaves allocations in OpenSSL's error queue; left there, libFuzzer would see
  // more mallocs than frees and run a full leak check after every such input.
  ERR_clear_error();
  return 0;
}
