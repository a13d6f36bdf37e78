// Outside bytes: what the sidecar builds its TLS contexts from, the agent's answers to GET
// /v1/agent/connect/ca/leaf/<service> and GET /v1/agent/connect/ca/roots (PEM certificates and the
// leaf's private key inside JSON), through proxy::check_leaf_trust and proxy::build_contexts. The
// input is the leaf JSON, a NUL byte, then the roots JSON.
// Invariants: nothing crashes or throws; contexts are built only for a leaf whose identity is the
// service asked for and that chains to the roots, and they present that identity.

#include "proxy/tls_material.hpp"

#include <openssl/err.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "consul/ca_root.hpp"
#include "consul/json_decode.hpp"
#include "consul/leaf_cert.hpp"
#include "fuzz/fuzz_check.hpp"
#include "tls/tls_context.hpp"

using namespace gatehouse;

namespace {

void check_input(std::string_view input) {
  const auto split = input.find('\0');
  if (split == std::string_view::npos) return;
  const auto leaf =
      consul::decode_json<consul::LeafCert>(input.substr(0, split), consul::kLenientResponse);
  const auto roots =
      consul::decode_json<consul::CaRoots>(input.substr(split + 1), consul::kLenientResponse);
  if (!leaf || !roots) return;

  const auto trust = proxy::check_leaf_trust(*leaf, *roots);
  FUZZ_CHECK((trust.trust == proxy::LeafTrust::verified) == trust.reason.empty(), trust.reason);
  const auto contexts = proxy::build_contexts(*leaf, *roots, "web");
  if (!contexts) {
    FUZZ_CHECK(!contexts.error().empty(), "empty error");
    return;
  }
  FUZZ_CHECK(trust.trust == proxy::LeafTrust::verified, "contexts for an unverified leaf");
  for (const auto& context : {contexts->server, contexts->client}) {
    const auto* id = context->leaf_id().service();
    FUZZ_CHECK(id != nullptr && id->service == "web", context->leaf_id().to_string());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  check_input({reinterpret_cast<const char*>(data), size});
  ERR_clear_error();  // see certificate.cpp: no allocations left behind in the error queue
  return 0;
}
