#include "actors/usb_autoshare.hpp"

#include <algorithm>
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <libusb.h>

#include "common/log.hpp"

namespace vigil {

namespace {

using protocol::usb::usb_device_description;

// libusb hotplug arrivals, on their own thread, told to `owner`.
class hotplug_watch {
public:
  hotplug_watch(usb_autoshare_actor owner, spdlog::logger& log) : owner_(std::move(owner)) {
    if (libusb_init(&context_) != 0) {
      log.warn("USB autoshare: libusb cannot start; devices plugged in later are not shared");
      context_ = nullptr;
      return;
    }
    if (!libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG) ||
        libusb_hotplug_register_callback(context_, LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED, LIBUSB_HOTPLUG_NO_FLAGS,
                                         LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY,
                                         &hotplug_watch::arrived, this, &handle_) != 0) {
      log.warn("USB autoshare: this libusb cannot watch for new devices");
      return;
    }
    thread_ = std::thread([this] {
      while (!stopping_.load()) {
        timeval poll{0, 200 * 1000};
        libusb_handle_events_timeout_completed(context_, &poll, nullptr);
      }
    });
  }
  ~hotplug_watch() {
    stopping_.store(true);
    if (thread_.joinable()) {
      libusb_interrupt_event_handler(context_);
      thread_.join();
      libusb_hotplug_deregister_callback(context_, handle_);
    }
    if (context_)
      libusb_exit(context_);
  }

private:
  static int LIBUSB_CALL arrived(libusb_context*, libusb_device* device, libusb_hotplug_event, void* priv) {
    auto& self = *static_cast<hotplug_watch*>(priv);
    usb_device_description description;
    description.bus = libusb_get_bus_number(device);
    description.address = libusb_get_device_address(device);
    libusb_device_descriptor descriptor{};
    if (libusb_get_device_descriptor(device, &descriptor) == 0) {
      description.vendor_id = descriptor.idVendor;
      description.product_id = descriptor.idProduct;
      description.device_version_bcd = descriptor.bcdDevice;
      description.device_class = descriptor.bDeviceClass;
      description.device_subclass = descriptor.bDeviceSubClass;
      description.device_protocol = descriptor.bDeviceProtocol;
    }
    libusb_config_descriptor* config = nullptr;
    if (libusb_get_active_config_descriptor(device, &config) == 0 && config) {
      for (int i = 0; i < config->bNumInterfaces; ++i)
        if (config->interface[i].num_altsetting > 0) {
          const auto& alt = config->interface[i].altsetting[0];
          description.interfaces.push_back({alt.bInterfaceClass, alt.bInterfaceSubClass, alt.bInterfaceProtocol});
        }
      libusb_free_config_descriptor(config);
    }
    if (description.device_class != LIBUSB_CLASS_HUB)
      caf::anon_send(self.owner_, usb_arrived_atom::value, std::move(description));
    return 0;  // stay registered
  }

  usb_autoshare_actor owner_;
  libusb_context* context_ = nullptr;
  libusb_hotplug_callback_handle handle_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

struct autoshare_state {
  protocol::usb::autoshare_policy policy;
  std::vector<caf::actor> idle;  // usbredir channels with no device, oldest first
  std::unique_ptr<hotplug_watch> watch;
  std::shared_ptr<spdlog::logger> log;
  static inline const char* name = "usb_autoshare";
};

using autoshare_actor = usb_autoshare_actor::stateful_base<autoshare_state>;

usb_autoshare_actor::behavior_type usb_autoshare(autoshare_actor* self, protocol::usb::autoshare_policy policy, bool watch_hotplug,
                           caf::actor owner) {
  auto& state = self->state;
  state.policy = std::move(policy);
  state.log = named_logger("usb_autoshare");
  if (watch_hotplug)
    state.watch = std::make_unique<hotplug_watch>(caf::actor_cast<usb_autoshare_actor>(self), *state.log);
  self->monitor(owner);
  self->set_down_handler([self, owner = owner.address()](const caf::down_msg& down) {
    if (down.source == owner)
      return self->quit();
    auto& idle = self->state.idle;
    idle.erase(std::remove_if(idle.begin(), idle.end(), [&](const caf::actor& a) { return a.address() == down.source; }),
               idle.end());
  });
  return {
    [self](usb_idle_atom, const caf::actor& channel) {
      auto& idle = self->state.idle;
      if (std::find(idle.begin(), idle.end(), channel) != idle.end())
        return;
      self->monitor(channel);
      idle.push_back(channel);
    },
    [self](usb_arrived_atom, const usb_device_description& device) {
      auto& state = self->state;
      auto decision = protocol::usb::decide_share(device, false, true, state.policy, false, state.idle.size());
      protocol::usb::usb_device_selector selector;
      selector.by = protocol::usb::usb_device_selector::kind::bus_address;
      selector.bus = device.bus;
      selector.address = device.address;
      char ids[16];
      std::snprintf(ids, sizeof ids, "%04x:%04x", device.vendor_id, device.product_id);
      if (decision != protocol::usb::share_decision::redirect) {
        state.log->info("USB device {} at {} plugged in: not shared ({})", ids, selector.to_string(),
                        protocol::usb::to_string(decision));
        return;
      }
      auto channel = state.idle.front();
      state.idle.erase(state.idle.begin());
      self->demonitor(channel);
      state.log->info("USB device {} at {} plugged in: sharing it with the guest", ids, selector.to_string());
      caf::anon_send(channel, usb_attach_atom::value, selector);  // typed actors send() only to typed ones
    },
  };
}

}  // namespace

usb_autoshare_actor spawn_usb_autoshare(caf::actor_system& system, protocol::usb::autoshare_policy policy,
                                        bool watch_hotplug, caf::actor owner) {
  // Detached: libusb_init and the hotplug registration block briefly.
  return system.spawn<caf::detached>(usb_autoshare, std::move(policy), watch_hotplug, std::move(owner));
}

}  // namespace vigil
