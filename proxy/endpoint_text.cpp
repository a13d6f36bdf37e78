#include "proxy/endpoint_text.hpp"

#include <string>

namespace gatehouse::proxy {

std::string format_endpoint(const tcp::endpoint& endpoint) {
  const auto address = endpoint.address();
  const std::string host = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  return host + ":" + std::to_string(endpoint.port());
}

}  // namespace gatehouse::proxy
