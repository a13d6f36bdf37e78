#pragma once
// Streams a payload through an echo chain and checks it by SHA-256: one thread writes while
// another reads on the same socket, so both directions carry data at the same time.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace gatehouse::testing {

// What `gatehouse echo` writes after the client's EOF.
inline constexpr std::string_view kEchoBye = "bye\n";

struct EchoStreamResult {
  std::uint64_t sent = 0;
  std::uint64_t received = 0;  // everything read, kEchoBye included
  std::string sent_sha256;     // hex digest of the payload sent
  std::string echoed_sha256;  // hex digest of what came back without its last kEchoBye.size() bytes
  std::string tail;           // those last bytes
  std::string error;          // empty when the payload went out and the stream ended in EOF
};

// A TCP socket connected to ip:port (blocking), or -1. Call through in_netns for a namespace.
int connect_tcp(const std::string& ip, std::uint16_t port);

// Writes `bytes` of deterministic pseudo-random data to `fd`, then shutdown(SHUT_WR), while
// reading until EOF. Everything ends within `limit`: past it the socket is shut down both ways
// and `error` says so. `progress`, when given, counts bytes read as they arrive.
EchoStreamResult echo_stream(int fd, std::uint64_t bytes, std::chrono::seconds limit,
                             std::atomic<std::uint64_t>* progress = nullptr);

}  // namespace gatehouse::testing
