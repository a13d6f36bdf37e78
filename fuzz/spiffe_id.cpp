// Outside bytes: the URI SAN of a peer's certificate, as SpiffeId::parse sees it
// (tls/spiffe_id.hpp).
// Invariants: parse never crashes or throws; an accepted ID prints (to_string) as a URI that
// parses back to the same identity and prints identically; a refusal's text is printable ASCII,
// because it is logged (a crafted SAN must not forge log lines).

#include "tls/spiffe_id.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view uri{reinterpret_cast<const char*>(data), size};
  const auto parsed = gatehouse::tls::SpiffeId::parse(uri);
  if (!parsed) {
    for (const char c : parsed.error()) {
      const auto b = static_cast<unsigned char>(c);
      FUZZ_CHECK(b >= 0x20 && b < 0x7f, parsed.error());
    }
    return 0;
  }
  const auto printed = parsed->to_string();
  const auto reparsed = gatehouse::tls::SpiffeId::parse(printed);
  FUZZ_CHECK(reparsed.has_value(), printed);
  FUZZ_CHECK(*reparsed == *parsed, printed);
  FUZZ_CHECK(reparsed->to_string() == printed, printed);
  return 0;
}
