#include "tools/text_wrap.hpp"

#include <cstdint>
#include <limits>

namespace gatehouse::tools {

namespace {

// kr/text's defaultPenalty: a line over the width costs far more than any short line.
constexpr std::int64_t kOverflowPenalty = 100'000;

std::vector<std::string_view> split_words(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  std::vector<std::string_view> words;
  for (auto start = text.find_first_not_of(kSpace); start != std::string_view::npos;) {
    const auto end = text.find_first_of(kSpace, start);
    words.push_back(text.substr(start, end - start));
    start = end == std::string_view::npos ? end : text.find_first_not_of(kSpace, end);
  }
  return words;
}

}  // namespace

std::size_t text_width(std::string_view text) {
  std::size_t width = 0;
  for (const char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U) ++width;  // not a continuation byte
  }
  return width;
}

std::vector<std::string> wrap_words(std::string_view text, std::size_t width) {
  const auto words = split_words(text);
  const std::size_t n = words.size();
  if (n == 0) return {};
  // length(i, j): words i..j on one line, a space between each.
  std::vector<std::int64_t> before(n + 1, 0);  // total width of the words before each one
  for (std::size_t i = 0; i < n; ++i) {
    before[i + 1] = before[i] + static_cast<std::int64_t>(text_width(words[i]));
  }
  const auto length = [&](std::size_t i, std::size_t j) {
    return before[j + 1] - before[i] + static_cast<std::int64_t>(j - i);
  };
  const auto limit = static_cast<std::int64_t>(width);
  // cost[i]: the least raggedness of words i..n-1; next[i]: where the line starting at i ends.
  std::vector<std::int64_t> cost(n, std::numeric_limits<std::int64_t>::max());
  std::vector<std::size_t> next(n, n);
  for (std::size_t i = n; i-- > 0;) {
    if (i == n - 1 || length(i, n - 1) <= limit) {
      cost[i] = 0;  // the last line costs nothing, however short
      next[i] = n;
      continue;
    }
    for (std::size_t j = i + 1; j < n; ++j) {
      const auto line = length(i, j - 1);
      const auto shortfall = limit - line;
      auto c = shortfall * shortfall + cost[j];
      if (line > limit) c += kOverflowPenalty;
      if (c < cost[i]) {
        cost[i] = c;
        next[i] = j;
      }
    }
  }
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < n; i = next[i]) {
    std::string line;
    for (std::size_t k = i; k < next[i]; ++k) {
      if (k > i) line += ' ';
      line += words[k];
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace gatehouse::tools
