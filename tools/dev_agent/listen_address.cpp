#include "tools/dev_agent/listen_address.hpp"

#include <charconv>

namespace gatehouse::tools {

boost::system::result<boost::asio::ip::tcp::endpoint, std::string> parse_listen_address(
    std::string_view text) {
  const auto bad = [&](std::string_view why) {
    return "invalid -http-addr \"" + std::string{text} + "\": " + std::string{why};
  };
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return bad("expected host:port");
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  std::uint16_t port = 0;
  const char* end = port_text.data() + port_text.size();
  auto [ptr, ec] = std::from_chars(port_text.data(), end, port);
  if (port_text.empty() || ec != std::errc{} || ptr != end) return bad("bad port");
  if (host == "localhost") host = "127.0.0.1";
  boost::system::error_code aec;
  const auto address = boost::asio::ip::make_address(std::string{host}, aec);
  if (aec) return bad("host must be an IP address or localhost");
  return boost::asio::ip::tcp::endpoint{address, port};
}

}  // namespace gatehouse::tools
