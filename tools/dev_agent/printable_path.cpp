#include "tools/dev_agent/printable_path.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <utility>

#include "tools/utf8.hpp"

namespace gatehouse::tools {
namespace {

using Range = std::pair<char32_t, char32_t>;

// Unicode categories Cc, Zs (without U+0020), Zl, Zp, Cf and Co (Unicode 15), sorted.
constexpr std::array kNotPrintable{
    Range{0x0000, 0x001F},   Range{0x007F, 0x009F},   Range{0x00A0, 0x00A0},
    Range{0x00AD, 0x00AD},   Range{0x0600, 0x0605},   Range{0x061C, 0x061C},
    Range{0x06DD, 0x06DD},   Range{0x070F, 0x070F},   Range{0x0890, 0x0891},
    Range{0x08E2, 0x08E2},   Range{0x1680, 0x1680},   Range{0x180E, 0x180E},
    Range{0x2000, 0x200F},   Range{0x2028, 0x202F},   Range{0x205F, 0x2064},
    Range{0x2066, 0x206F},   Range{0x3000, 0x3000},   Range{0xE000, 0xF8FF},
    Range{0xFEFF, 0xFEFF},   Range{0xFFF9, 0xFFFB},   Range{0x110BD, 0x110BD},
    Range{0x110CD, 0x110CD}, Range{0x13430, 0x1343F}, Range{0x1BCA0, 0x1BCA3},
    Range{0x1D173, 0x1D17A}, Range{0xE0001, 0xE0001}, Range{0xE0020, 0xE007F},
    Range{0xF0000, 0xFFFFD}, Range{0x100000, 0x10FFFD},
};

bool is_printable(char32_t rune) {
  return std::ranges::none_of(kNotPrintable, [rune](const Range& r) {
    return rune >= r.first && rune <= r.second;
  });
}

// Decodes the valid sequence at text[i] (its length given), UTF-8 being already checked.
char32_t decode(std::string_view text, std::size_t i, std::size_t len) {
  const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(text[i + k]); };
  if (len == 1) return byte(0);
  static constexpr std::array<std::uint8_t, 5> kLeadMask{0, 0, 0x1F, 0x0F, 0x07};
  char32_t rune = byte(0) & kLeadMask[len];
  for (std::size_t k = 1; k < len; ++k) rune = (rune << 6U) | (byte(k) & 0x3FU);
  return rune;
}

}  // namespace

bool is_printable_path(std::string_view path) {
  for (std::size_t i = 0; i < path.size();) {
    const std::size_t len = utf8_sequence_length(path, i);
    if (len == 0) {  // Go reads the byte as U+FFFD: printable
      ++i;
      continue;
    }
    if (!is_printable(decode(path, i, len))) return false;
    i += len;
  }
  return true;
}

}  // namespace gatehouse::tools
