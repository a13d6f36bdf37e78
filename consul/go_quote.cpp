#include "consul/go_quote.hpp"

#include <nlohmann/json.hpp>

namespace gatehouse::consul {

std::string go_quote(std::string_view s) {
  const nlohmann::json j = std::string{s};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace gatehouse::consul
