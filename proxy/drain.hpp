#pragma once
// SIGTERM/SIGINT: stop accepting, give open connections `drain` to finish, cancel the rest,
// then stop everything. Runs on the control thread.

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>

#include "proxy/asio_types.hpp"
#include "proxy/runtime.hpp"

namespace gatehouse::proxy {

class Drain {
 public:
  Drain(net::io_context& control, std::shared_ptr<Runtime> runtime);

  // `done` runs on the control thread once no connection is left (or the last bound passed).
  void begin(std::function<void()> done);

 private:
  void after_drain_window();
  void finish();

  net::io_context& control_;
  std::shared_ptr<Runtime> runtime_;
  net::steady_timer timer_;
  std::function<void()> done_;
  bool finished_ = false;
};

}  // namespace gatehouse::proxy
