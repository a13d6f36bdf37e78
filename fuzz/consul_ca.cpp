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
  fuzz::check_selected_decoder<consul::CaRoots, consul::CaRoot, consul::LeafCert,
                               consul::CaConfiguration>(data, size, consul::kLenientResponse);
  return 0;
}
