#pragma once
// The demo's live-revocation step: one HTTP/1.1 keep-alive connection to a local port (web's
// upstream listener for db), kept open across an intention change, to see the mesh close it.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <chrono>
#include <cstdint>
#include <string>

#include "tools/demo/demo_agent.hpp"

namespace gatehouse::tools {

class HeldConnection {
 public:
  // Connects to 127.0.0.1:port.
  DemoResult<void> open(std::uint16_t port);
  // One keep-alive `GET /`; the answer's body (`hello from db\n`).
  DemoResult<std::string> request();
  // Waits up to `limit` for the peer to end the connection (EOF or reset): true when it did.
  bool wait_for_close(std::chrono::milliseconds limit);

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_{io_};
  boost::beast::flat_buffer buffer_;
};

}  // namespace gatehouse::tools
