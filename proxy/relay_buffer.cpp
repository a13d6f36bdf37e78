#include "proxy/relay_buffer.hpp"

#include <vector>

namespace gatehouse::proxy {

namespace {

// Enough for every connection of a busy worker to be mid-write at once without reallocating,
// small enough (4 MiB) that a burst does not pin memory for the process's life.
constexpr std::size_t kKeptPerThread = 256;

std::vector<std::unique_ptr<RelayBuffer::Block>>& thread_pool() {
  thread_local std::vector<std::unique_ptr<RelayBuffer::Block>> pool;
  return pool;
}

}  // namespace

RelayBuffer::RelayBuffer() {
  auto& pool = thread_pool();
  if (pool.empty()) {
    block_ = std::make_unique_for_overwrite<Block>();
  } else {
    block_ = std::move(pool.back());
    pool.pop_back();
  }
}

RelayBuffer::~RelayBuffer() {
  auto& pool = thread_pool();
  if (pool.size() < kKeptPerThread) pool.push_back(std::move(block_));
}

}  // namespace gatehouse::proxy
