// Outside bytes: the agent's answers about intentions and authorization, as the client decodes
// them: POST /v1/agent/connect/authorize (AuthorizeResponse; AuthorizeRequest too, the body the
// sidecar sends), GET /v1/connect/intentions/exact and /<id> (Intention), the list
// (vector<Intention>), /match (map of lists), /check and the create answer (IntentionCheckResponse,
// IntentionIdResponse), and an intention's Permissions (IntentionPermission). The first byte
// chooses the decoder.
// Invariants (fuzz/decode_round_trip.hpp): only our decode error, never an exception; the error
// is one line; decode(encode(x)) == x.

#include <map>
#include <string>
#include <vector>

#include "consul/authorize.hpp"
#include "consul/intention.hpp"
#include "consul/intention_permission.hpp"
#include "consul/intention_responses.hpp"
#include "fuzz/decode_round_trip.hpp"

using namespace gatehouse;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::check_selected_decoder<
      consul::AuthorizeResponse, consul::AuthorizeRequest, consul::Intention,
      std::vector<consul::Intention>, std::map<std::string, std::vector<consul::Intention>>,
      consul::IntentionCheckResponse, consul::IntentionIdResponse, consul::IntentionPermission>(
      data, size, consul::kLenientResponse);
  return 0;
}
