// Outside bytes: an intention file of `gatehouse intention create -file F`
// (tools/intention/intention_file.hpp parse_intention_file: api.Intention JSON, strict fields).
// Invariants: nothing crashes or throws (our decode error only); an error names the file; an
// accepted file has a source, a destination, an allow/deny action and no L7 permissions, and
// encodes to JSON that the same parser accepts again with the same result.

#include "tools/intention/intention_file.hpp"

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "consul/intention.hpp"
#include "fuzz/fuzz_check.hpp"

using namespace gatehouse;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr std::string_view kName = "web-db.json";
  const std::string_view text{reinterpret_cast<const char*>(data), size};
  const auto ixn = tools::parse_intention_file(kName, text);
  if (!ixn) {
    FUZZ_CHECK(ixn.error().find(kName) != std::string::npos, ixn.error());
    return 0;
  }
  FUZZ_CHECK(!ixn->source_name.empty() && !ixn->destination_name.empty(), "unnamed side");
  FUZZ_CHECK(ixn->action == consul::kActionAllow || ixn->action == consul::kActionDeny,
             ixn->action);
  FUZZ_CHECK(!ixn->is_l7(), "L7 intention accepted");
  const nlohmann::json encoded = *ixn;
  const auto again = tools::parse_intention_file(kName, encoded.dump());
  FUZZ_CHECK(again.has_value(), again.error() + " for " + encoded.dump());
  FUZZ_CHECK(*again == *ixn, encoded.dump());
  return 0;
}
