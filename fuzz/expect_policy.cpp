// Outside bytes: the expectation file of `gatehouse probe -expect FILE`
// (tools/probe/expect_policy.hpp ExpectPolicy::parse).
// Invariants: nothing crashes or throws; an error names the file; an accepted policy holds
// exactly the pairs the file lists, and looking one up gives the verdict of its list.

#include "tools/probe/expect_policy.hpp"

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.hpp"

using namespace gatehouse;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string kName = "expect.json";
  const std::string_view text{reinterpret_cast<const char*>(data), size};
  const auto policy = tools::ExpectPolicy::parse(text, kName);
  if (!policy) {
    FUZZ_CHECK(policy.error().starts_with(kName + ": "), policy.error());
    return 0;
  }
  // Accepted, so the text is a JSON object of "allow"/"deny" lists of [source, destination].
  const auto doc = nlohmann::json::parse(text);
  std::size_t listed = 0;
  for (const auto& [key, list] : doc.items()) {
    const auto verdict = tools::parse_policy_verdict(key);
    FUZZ_CHECK(verdict.has_value(), key);
    for (const auto& pair : list) {
      const auto source = pair.at(0).get<std::string>();
      const auto destination = pair.at(1).get<std::string>();
      FUZZ_CHECK(policy->lookup(source, destination) == verdict, source + " -> " + destination);
      ++listed;
    }
  }
  FUZZ_CHECK(policy->size() == listed, "pairs lost or invented");
  return 0;
}
