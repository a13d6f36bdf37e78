#include "tools/utf8.hpp"

namespace gatehouse::tools {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

bool is_continuation(unsigned char c) { return (c & 0xC0U) == 0x80U; }

}  // namespace

// The second byte's accepted range depends on the first, as in Go's `acceptRanges`.
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(text[i]);
  if (b0 < 0x80U) return 1;
  std::size_t len = 0;
  unsigned char lo = 0x80U;
  unsigned char hi = 0xBFU;
  if (b0 >= 0xC2U && b0 <= 0xDFU) {
    len = 2;
  } else if (b0 >= 0xE0U && b0 <= 0xEFU) {
    len = 3;
    if (b0 == 0xE0U) lo = 0xA0U;  // no overlong forms
    if (b0 == 0xEDU) hi = 0x9FU;  // no surrogates
  } else if (b0 >= 0xF0U && b0 <= 0xF4U) {
    len = 4;
    if (b0 == 0xF0U) lo = 0x90U;  // no overlong forms
    if (b0 == 0xF4U) hi = 0x8FU;  // nothing above U+10FFFF
  } else {
    return 0;
  }
  if (i + len > text.size()) return 0;
  const auto b1 = static_cast<unsigned char>(text[i + 1]);
  if (b1 < lo || b1 > hi) return 0;
  for (std::size_t k = 2; k < len; ++k) {
    if (!is_continuation(static_cast<unsigned char>(text[i + k]))) return 0;
  }
  return len;
}

std::optional<std::size_t> first_invalid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = utf8_sequence_length(text, i);
    if (n == 0) return i;
    i += n;
  }
  return std::nullopt;
}

std::string replace_invalid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = utf8_sequence_length(text, i);
    if (n == 0) {
      out += kReplacement;
      ++i;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

}  // namespace gatehouse::tools
