#include "actors/usb_host_device.hpp"

#include <atomic>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>

#include <caf/send.hpp>
#include <libusb.h>
#include <usbredirhost.h>

namespace vigil {

namespace {

constexpr std::size_t max_parse_errors = 16;

using protocol::usb::usb_device_description;

usb_device_description describe(libusb_device* device) {
  usb_device_description out;
  out.bus = libusb_get_bus_number(device);
  out.address = libusb_get_device_address(device);
  libusb_device_descriptor descriptor{};
  if (libusb_get_device_descriptor(device, &descriptor) != 0)
    return out;
  out.vendor_id = descriptor.idVendor;
  out.product_id = descriptor.idProduct;
  out.device_version_bcd = descriptor.bcdDevice;
  out.device_class = descriptor.bDeviceClass;
  out.device_subclass = descriptor.bDeviceSubClass;
  out.device_protocol = descriptor.bDeviceProtocol;
  libusb_config_descriptor* config = nullptr;
  if (libusb_get_active_config_descriptor(device, &config) == 0 && config) {
    for (int i = 0; i < config->bNumInterfaces; ++i)
      if (config->interface[i].num_altsetting > 0) {
        const auto& alt = config->interface[i].altsetting[0];
        out.interfaces.push_back({alt.bInterfaceClass, alt.bInterfaceSubClass, alt.bInterfaceProtocol});
      }
    libusb_free_config_descriptor(config);
  }
  return out;
}

std::string name_of(const usb_device_description& device) {
  char text[32];
  std::snprintf(text, sizeof text, "%04x:%04x at %u-%u", device.vendor_id, device.product_id, device.bus,
                device.address);
  return text;
}

}  // namespace

std::vector<usb_device_description> list_host_usb_devices(std::string& error) {
  std::vector<usb_device_description> out;
  libusb_context* context = nullptr;
  if (int rc = libusb_init(&context); rc != 0) {
    error = std::string("libusb cannot start: ") + libusb_error_name(rc);
    return out;
  }
  libusb_device** list = nullptr;
  auto count = libusb_get_device_list(context, &list);
  for (ssize_t i = 0; i < count; ++i) {
    auto device = describe(list[i]);
    if (device.device_class != LIBUSB_CLASS_HUB)
      out.push_back(std::move(device));
  }
  if (list)
    libusb_free_device_list(list, 1);
  libusb_exit(context);
  return out;
}

struct usb_host_device::impl {
  libusb_context* context = nullptr;
  usbredirhost* host = nullptr;
  caf::actor owner;
  std::string name;
  std::thread thread;
  std::atomic<bool> stopping{false};

  std::mutex mutex;  // guards the two below
  std::deque<protocol::bytes> incoming;
  std::size_t in_flight = 0;

  // The device thread's own (and open()'s, before the thread starts).
  protocol::bytes input;
  std::size_t input_at = 0;
  protocol::bytes output;
  std::size_t parse_errors = 0;
  bool gone = false;

  static int read_guest(void* priv, std::uint8_t* data, int count) {
    auto& self = *static_cast<impl*>(priv);
    std::size_t n = std::min<std::size_t>(static_cast<std::size_t>(count), self.input.size() - self.input_at);
    std::memcpy(data, self.input.data() + self.input_at, n);
    self.input_at += n;
    return static_cast<int>(n);
  }
  static int write_guest(void* priv, std::uint8_t* data, int count) {
    auto& out = static_cast<impl*>(priv)->output;
    out.insert(out.end(), data, data + count);
    return count;
  }
  static void log(void*, int, const char*) {}

  void report_gone(const std::string& reason) {
    if (gone)
      return;
    gone = true;
    caf::anon_send(owner, usb_host_gone_atom::value, name + ": " + reason);
  }

  void read_input() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      while (!incoming.empty()) {
        input.insert(input.end(), incoming.front().begin(), incoming.front().end());
        incoming.pop_front();
      }
    }
    while (input_at < input.size()) {
      auto before = input_at;
      int status = usbredirhost_read_guest_data(host);
      if (status == usbredirhost_read_device_rejected) {
        usbredirhost_set_device(host, nullptr);
        report_gone("the guest side refused the device (its usb-filter)");
      } else if (status == usbredirhost_read_device_lost) {
        report_gone("the device went away (unplugged?)");
      } else if (status == usbredirhost_read_parse_error && ++parse_errors > max_parse_errors) {
        report_gone("more than 16 usbredir packets from the server did not parse");
        input.clear();
        input_at = 0;
      }
      if (input_at == before)
        break;  // nothing consumed: wait for more bytes
    }
    input.erase(input.begin(), input.begin() + static_cast<std::ptrdiff_t>(input_at));
    input_at = 0;
  }

  void write_output() {
    for (;;) {
      {
        std::lock_guard<std::mutex> lock(mutex);
        if (in_flight >= max_chunks_in_flight)
          return;
      }
      if (output.empty() && usbredirhost_has_data_to_write(host) > 0)
        usbredirhost_write_guest_data(host);
      if (output.empty())
        return;
      {
        std::lock_guard<std::mutex> lock(mutex);
        ++in_flight;
      }
      caf::anon_send(owner, usb_host_data_atom::value, std::move(output));
      output.clear();
    }
  }

  void run() {
    while (!stopping.load()) {
      read_input();
      write_output();
      timeval poll{0, 100 * 1000};  // woken early by libusb_interrupt_event_handler
      libusb_handle_events_timeout_completed(context, &poll, nullptr);
      write_output();
    }
  }

  void wake() { libusb_interrupt_event_handler(context); }
};

std::unique_ptr<usb_host_device> usb_host_device::open(const protocol::usb::usb_device_selector& selector,
                                                       caf::actor owner, std::string& error) {
  auto state = std::make_unique<impl>();
  state->owner = std::move(owner);
  if (int rc = libusb_init(&state->context); rc != 0) {
    error = std::string("libusb cannot start: ") + libusb_error_name(rc);
    return nullptr;
  }
  libusb_device** list = nullptr;
  auto count = libusb_get_device_list(state->context, &list);
  libusb_device* found = nullptr;
  for (ssize_t i = 0; i < count && !found; ++i) {
    auto description = describe(list[i]);
    if (selector.matches(description)) {
      found = list[i];
      state->name = name_of(description);
    }
  }
  libusb_device_handle* handle = nullptr;
  int rc = found ? libusb_open(found, &handle) : LIBUSB_ERROR_NOT_FOUND;
  if (list)
    libusb_free_device_list(list, 1);
  if (rc != 0) {
    error = found ? "cannot open USB device " + state->name + ": " + libusb_error_name(rc) +
                      (rc == LIBUSB_ERROR_ACCESS ? " (no permission on /dev/bus/usb: a udev rule or group is needed)" : "")
                  : "no USB device " + selector.to_string() + " on this machine";
    libusb_exit(state->context);
    return nullptr;
  }
  // usbredirhost's own hello announces ep_info_max_packet_size,
  // 32bits_bulk_length and 64bits_ids among its caps (QEMU needs them on xHCI).
  state->host = usbredirhost_open(state->context, handle, &impl::log, &impl::read_guest, &impl::write_guest,
                                  state.get(), "vigil", usbredirparser_warning, 0);
  if (!state->host) {
    error = "cannot redirect USB device " + state->name + " (claiming its interfaces failed)";
    libusb_exit(state->context);
    return nullptr;
  }
  auto* raw = state.get();
  raw->thread = std::thread([raw] { raw->run(); });
  return std::unique_ptr<usb_host_device>(new usb_host_device(std::move(state)));
}

usb_host_device::usb_host_device(std::unique_ptr<impl> impl) : impl_(std::move(impl)) {}

usb_host_device::~usb_host_device() {
  impl_->stopping.store(true);
  impl_->wake();
  impl_->thread.join();
  usbredirhost_close(impl_->host);  // gives the device back to this machine's drivers
  libusb_exit(impl_->context);
}

void usb_host_device::guest_data(protocol::bytes data) {
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->incoming.push_back(std::move(data));
  }
  impl_->wake();
}

void usb_host_device::ack(std::size_t chunks) {
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->in_flight -= std::min(chunks, impl_->in_flight);
  }
  impl_->wake();
}

const std::string& usb_host_device::name() const { return impl_->name; }

}  // namespace vigil
