#pragma once
// Word wrapping the way `consul` wraps its flag descriptions: github.com/kr/text's Wrap, which
// hashicorp/consul command/flags/usage.go calls. Lines are chosen for minimal raggedness (the sum
// of the squared shortfall of every line but the last), not greedily, and a word is never split:
// one longer than `width` (a URL, a JSON example) gets a line of its own and overflows it.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::tools {

// The words of `text` (split at any run of whitespace) as lines of at most `width` characters
// (counted as UTF-8 code points) where the words allow it.
std::vector<std::string> wrap_words(std::string_view text, std::size_t width);

// Display width of UTF-8 text: its code points.
std::size_t text_width(std::string_view text);

}  // namespace gatehouse::tools
