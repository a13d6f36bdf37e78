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
  if (size == 0) return 0;
  const auto body = fuzz::body_after_selector(data, size);
  constexpr auto lenient = consul::kLenientResponse;
  switch (data[0] % 8) {
    case 0:
      fuzz::check_decoder<consul::AuthorizeResponse>(body, lenient);
      break;
    case 1:
      fuzz::check_decoder<consul::AuthorizeRequest>(body, lenient);
      break;
    case 2:
      fuzz::check_decoder<consul::Intention>(body, lenient);
      break;
    case 3:
      fuzz::check_decoder<std::vector<consul::Intention>>(body, lenient);
      break;
    case 4:
      fuzz::check_decoder<std::map<std::string, std::vector<consul::Intention>>>(body, lenient);
      break;
    case 5:
      fuzz::check_decoder<consul::IntentionCheckResponse>(body, lenient);
      break;
    case 6:
      fuzz::check_decoder<consul::IntentionIdResponse>(body, lenient);
      break;
    default:
      fuzz::check_decoder<consul::IntentionPermission>(body, lenient);
      break;
  }
  return 0;
}
