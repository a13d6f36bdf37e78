#pragma once
// The invariants every Consul response decoder must keep, for the consul_* targets:
//   - decode_json<T> returns a value or our decode error; nothing is thrown (an escaping
//     exception aborts the fuzzer);
//   - a decode error is a non-empty single line (it ends up in a log line or on stderr);
//   - where T has an encoder (to_json), what the decoded value encodes to decodes to a value that
//     encodes to exactly the same text and survives further round trips unchanged.

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <type_traits>

#include "consul/json_decode.hpp"
#include "fuzz/fuzz_check.hpp"

namespace gatehouse::fuzz {

template <class T>
void check_decoder(std::string_view body, consul::DecodeOptions options) {
  const auto decoded = consul::decode_json<T>(body, options);
  if (!decoded) {
    FUZZ_CHECK(!decoded.error().empty(), "empty decode error");
    FUZZ_CHECK(decoded.error().find('\n') == std::string::npos, decoded.error());
    return;
  }
  if constexpr (std::is_constructible_v<nlohmann::json, const T&>) {  // T has an encoder
    // The encoder normalises some fields the way Consul prints them (an empty time as Go's zero
    // time, an absent struct as {}), so x itself need not come back; what it encodes to must.
    const std::string encoded = nlohmann::json(*decoded).dump();
    const auto normalised = consul::decode_json<T>(encoded, options);
    FUZZ_CHECK(normalised.has_value(),
               "re-decoding failed: " + normalised.error() + " on " + encoded);
    const std::string reencoded = nlohmann::json(*normalised).dump();
    FUZZ_CHECK(reencoded == encoded,
               "encode(decode(e)) != e for e = " + encoded + "\n  got " + reencoded);
    const auto again = consul::decode_json<T>(reencoded, options);
    FUZZ_CHECK(again.has_value() && *again == *normalised,
               "decode(encode(v)) != v for a normalised v encoding to " + encoded);
  }
}

// One target for a family of decoders: the input's first byte chooses the decoder (the
// `data[0] % sizeof...(Ts)`-th of Ts, so the seeds start with that byte), the rest is the body.
template <class... Ts>
void check_selected_decoder(const std::uint8_t* data, std::size_t size,
                            consul::DecodeOptions options) {
  if (size == 0) return;
  const std::string_view body{reinterpret_cast<const char*>(data) + 1, size - 1};
  const std::size_t chosen = data[0] % sizeof...(Ts);
  std::size_t index = 0;
  ((index++ == chosen ? check_decoder<Ts>(body, options) : void()), ...);
}

}  // namespace gatehouse::fuzz
