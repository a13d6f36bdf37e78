#pragma once
// UTF-8 checks with Go's rules (unicode/utf8): a sequence is valid when utf8.DecodeRune accepts it
// (no overlong forms, no surrogates, nothing above U+10FFFF). Go strings hold any bytes; the places
// that need text (encoding/json, the CLI's arguments) go through these helpers.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::tools {

// The length (1 to 4) of the valid sequence starting at text[i], or 0 when utf8.DecodeRune would
// answer (RuneError, 1).
std::size_t utf8_sequence_length(std::string_view text, std::size_t i);

// The byte offset of the first byte that does not start a valid sequence, or nullopt.
std::optional<std::size_t> first_invalid_utf8(std::string_view text);

inline bool is_valid_utf8(std::string_view text) { return !first_invalid_utf8(text).has_value(); }

// Every byte that utf8.DecodeRune rejects becomes U+FFFD, one per byte, as Go's encoding/json does
// both when it decodes a string (decode.go `unquoteBytes`) and when it encodes one (encode.go
// `appendString`).
std::string replace_invalid_utf8(std::string_view text);

}  // namespace gatehouse::tools
