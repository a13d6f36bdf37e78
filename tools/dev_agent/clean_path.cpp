#include "tools/dev_agent/clean_path.hpp"

#include <vector>

namespace gatehouse::tools {
namespace {

// Go's path.Clean for a rooted path.
std::string clean_rooted(std::string_view path) {
  std::vector<std::string_view> elements;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view element = path.substr(start, end - start);
    if (element == "..") {
      if (!elements.empty()) elements.pop_back();
    } else if (!element.empty() && element != ".") {
      elements.push_back(element);
    }
    start = end + 1;
  }
  std::string out;
  for (const auto element : elements) {
    out += '/';
    out += element;
  }
  return out.empty() ? "/" : out;
}

}  // namespace

std::string clean_path(std::string_view path) {
  if (path.empty()) return "/";
  std::string rooted = path.starts_with('/') ? std::string{path} : "/" + std::string{path};
  std::string cleaned = clean_rooted(rooted);
  if (rooted.ends_with('/') && cleaned != "/") cleaned += '/';
  return cleaned;
}

}  // namespace gatehouse::tools
