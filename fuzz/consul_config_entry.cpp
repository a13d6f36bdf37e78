// Outside bytes: config entries as the client decodes them: GET
// /v1/config/service-intentions/<name> (ServiceIntentionsEntry, with Sources and Permissions),
// the list form (vector<ServiceIntentionsEntry>), and service-defaults (ServiceDefaultsEntry). The
// first byte chooses the decoder.
// Invariants (fuzz/decode_round_trip.hpp): only our decode error, never an exception; the error
// is one line; decode(encode(x)) == x.

#include <vector>

#include "consul/service_defaults_entry.hpp"
#include "consul/service_intentions_entry.hpp"
#include "fuzz/decode_round_trip.hpp"

using namespace gatehouse;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto body = fuzz::body_after_selector(data, size);
  constexpr auto lenient = consul::kLenientResponse;
  switch (data[0] % 3) {
    case 0:
      fuzz::check_decoder<consul::ServiceIntentionsEntry>(body, lenient);
      break;
    case 1:
      fuzz::check_decoder<std::vector<consul::ServiceIntentionsEntry>>(body, lenient);
      break;
    default:
      fuzz::check_decoder<consul::ServiceDefaultsEntry>(body, lenient);
      break;
  }
  return 0;
}
