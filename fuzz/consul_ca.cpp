// Outside bytes: the agent's answers about the Connect CA, as the client decodes them:
// GET /v1/agent/connect/ca/roots (CaRoots, and CaRoot alone), GET
// /v1/agent/connect/ca/leaf/<service> (LeafCert), GET /v1/connect/ca/configuration
// (CaConfiguration). The first byte chooses the decoder.
// Invariants (fuzz/decode_round_trip.hpp): only our decode error, never an exception; the error
// is one line; decode(encode(x)) == x.

#include "consul/ca_configuration.hpp"
#include "consul/ca_root.hpp"
#include "consul/leaf_cert.hpp"
#include "fuzz/decode_round_trip.hpp"

using namespace gatehouse;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto body = fuzz::body_after_selector(data, size);
  switch (data[0] % 4) {
    case 0:
      fuzz::check_decoder<consul::CaRoots>(body, consul::kLenientResponse);
      break;
    case 1:
      fuzz::check_decoder<consul::CaRoot>(body, consul::kLenientResponse);
      break;
    case 2:
      fuzz::check_decoder<consul::LeafCert>(body, consul::kLenientResponse);
      break;
    default:
      fuzz::check_decoder<consul::CaConfiguration>(body, consul::kLenientResponse);
      break;
  }
  return 0;
}
