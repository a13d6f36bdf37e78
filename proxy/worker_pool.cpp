#include "proxy/worker_pool.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>

namespace gatehouse::proxy {

Worker::Worker(std::size_t index, const AuthorizerFactory& make_authorizer,
               std::size_t max_handshakes)
    : index_(index),
      handshakes_(max_handshakes),
      guard_(context_.get_executor()),
      authorizer_(make_authorizer(executor())) {}

Worker::~Worker() { stop_and_join(); }

void Worker::start() {
  thread_ = std::thread{[this] {
    try {
      context_.run();
    } catch (const std::exception& e) {
      SPDLOG_CRITICAL("event=worker_crashed worker={} error=\"{}\"", index_, e.what());
      std::terminate();  // a data-path invariant broke: do not limp on
    }
  }};
}

void Worker::finish_and_join() {
  guard_.reset();
  if (thread_.joinable()) thread_.join();
}

void Worker::stop_and_join() {
  guard_.reset();
  context_.stop();
  if (thread_.joinable()) thread_.join();
}

WorkerPool::WorkerPool(unsigned count, const AuthorizerFactory& make_authorizer,
                       std::size_t max_handshakes) {
  if (count == 0) count = std::max(1U, std::thread::hardware_concurrency());
  const std::size_t share = per_worker_share(max_handshakes, count);
  for (unsigned i = 0; i < count; ++i) {
    workers_.push_back(std::make_unique<Worker>(i, make_authorizer, share));
  }
}

Worker& WorkerPool::next() {
  Worker& w = *workers_[next_];
  next_ = (next_ + 1) % workers_.size();
  return w;
}

void WorkerPool::start() {
  for (auto& w : workers_) w->start();
}

void WorkerPool::stop_and_join() {
  for (auto& w : workers_) w->stop_and_join();
}

}  // namespace gatehouse::proxy
