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
  fuzz::check_selected_decoder<consul::ServiceIntentionsEntry,
                               std::vector<consul::ServiceIntentionsEntry>,
                               consul::ServiceDefaultsEntry>(data, size, consul::kLenientResponse);
  return 0;
}
