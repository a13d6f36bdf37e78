#include "tools/process/log_field.hpp"

namespace gatehouse::tools {

std::string log_field(std::string_view line, std::string_view key) {
  const std::string probe = std::string{key} + "=";
  std::size_t pos = 0;
  while ((pos = line.find(probe, pos)) != std::string_view::npos) {
    if (pos == 0 || line[pos - 1] == ' ') {
      const auto start = pos + probe.size();
      if (start < line.size() && line[start] == '"') {
        std::string out;
        for (auto i = start + 1; i < line.size() && line[i] != '"'; ++i) {
          if (line[i] == '\\' && i + 1 < line.size()) ++i;  // \" and \\ inside quoted values
          out += line[i];
        }
        return out;
      }
      return std::string{line.substr(start, line.find(' ', start) - start)};
    }
    pos += probe.size();
  }
  return {};
}

}  // namespace gatehouse::tools
