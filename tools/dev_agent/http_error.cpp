#include "tools/dev_agent/http_error.hpp"

namespace gatehouse::tools {

HttpError HttpError::from_error_text(std::string text) {
  if (text.find("Permission denied") != std::string::npos ||
      text.find("ACL not found") != std::string::npos) {
    return {403, std::move(text)};
  }
  if (text == "Rate limit reached, try again later") return {429, std::move(text)};
  return {500, std::move(text)};
}

}  // namespace gatehouse::tools
