#pragma once
// The relay's 16 KiB buffers (a full TLS record), lent for one read-and-write and then returned
// to the worker thread's pool: a connection waiting for bytes holds none, so idle connections
// cost no buffer memory, and busy ones reuse warm memory instead of allocating.

#include <array>
#include <boost/asio/buffer.hpp>
#include <cstddef>
#include <memory>

namespace gatehouse::proxy {

inline constexpr std::size_t kRelayBufferSize = std::size_t{16} * 1024;

class RelayBuffer {
 public:
  RelayBuffer();
  ~RelayBuffer();
  RelayBuffer(const RelayBuffer&) = delete;
  RelayBuffer& operator=(const RelayBuffer&) = delete;

  char* data() { return block_->data(); }
  boost::asio::mutable_buffer buffer() { return boost::asio::buffer(*block_); }

  using Block = std::array<char, kRelayBufferSize>;

 private:
  std::unique_ptr<Block> block_;
};

}  // namespace gatehouse::proxy
