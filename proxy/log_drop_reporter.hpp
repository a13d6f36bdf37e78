#pragma once
// Says every 10 s how many log lines the full queue dropped since it last said so (the queue
// never blocks a worker; this is the price, and it must be visible).

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>

#include "proxy/asio_types.hpp"

namespace gatehouse::proxy {

class LogDropReporter {
 public:
  explicit LogDropReporter(net::io_context& control) : timer_(control) {}

  void start();
  // Stops the timer and reports what is left, once.
  void stop();

 private:
  void report();

  net::steady_timer timer_;
  std::uint64_t reported_ = 0;
};

}  // namespace gatehouse::proxy
