// Outside bytes: the X-Consul-Index and X-Consul-ContentHash headers of the agent's answers to
// blocking queries (consul/blocking_query.hpp), looked up the way the client does
// (HttpHeaders::find, case-insensitive), and a watch's reaction to a sequence of them. Each input
// line is one answer's header line ("X-Consul-Index: 12"), or "!" for a failed request.
// Invariants: parse_index accepts exactly the non-empty all-digit values that fit 64 bits, with
// their decimal value; the index sent next is 0 or the one returned, and never goes backwards
// without going to 0; a repeated index or hash is not published twice in a row, a changed one is.

#include "consul/blocking_query.hpp"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "consul/http_client.hpp"
#include "fuzz/fuzz_check.hpp"

using namespace gatehouse;

namespace {

// An oracle written apart from the parser: decimal digits only, no sign, no space, at most
// 2^64 - 1 (Consul's api/api.go parses X-Consul-Index with strconv.ParseUint).
std::optional<std::uint64_t> reference_index(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::uint64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input{reinterpret_cast<const char*>(data), size};
  consul::BlockingQueryState index_watch{consul::BlockingOptions{}};
  consul::BlockingQueryState hash_watch{consul::BlockingOptions{}};
  std::optional<std::uint64_t> last_index;
  std::optional<std::string> last_hash;
  while (!input.empty()) {
    const auto end = input.find('\n');
    const auto line = input.substr(0, end);
    input = end == std::string_view::npos ? std::string_view{} : input.substr(end + 1);
    if (line == "!") {
      index_watch.on_error(0.5);
      hash_watch.on_error(0.5);
      FUZZ_CHECK(index_watch.index() == 0 && hash_watch.hash().empty(), "error keeps the index");
      last_index.reset();
      last_hash.reset();
      continue;
    }
    consul::HttpHeaders headers;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    headers.add(std::string{line.substr(0, colon)}, std::string{trim(line.substr(colon + 1))});

    const auto index_header = headers.find("X-Consul-Index");
    const auto index = consul::parse_index(index_header);
    FUZZ_CHECK(index == (index_header ? reference_index(*index_header) : std::nullopt),
               std::string{line});
    const auto sent = index_watch.index();
    const bool published = index_watch.on_index(index);
    const auto next = index_watch.index();
    FUZZ_CHECK(next == 0 || (index && next == *index && next >= sent), std::string{line});
    FUZZ_CHECK(published == (!last_index || *last_index != index.value_or(0)), std::string{line});
    last_index = index.value_or(0);

    if (const auto hash = headers.find("X-Consul-ContentHash")) {
      const bool hash_published = hash_watch.on_hash(std::string{*hash});
      FUZZ_CHECK(hash_watch.hash() == *hash, std::string{line});
      FUZZ_CHECK(hash_published == (!last_hash || *last_hash != *hash), std::string{line});
      last_hash = std::string{*hash};
    }
  }
  return 0;
}
