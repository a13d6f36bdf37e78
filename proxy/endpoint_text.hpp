#pragma once
// How the logs and errors name a TCP endpoint.

#include <string>

#include "proxy/asio_types.hpp"

namespace gatehouse::proxy {

// "ip:port", "[v6]:port".
std::string format_endpoint(const tcp::endpoint& endpoint);

}  // namespace gatehouse::proxy
