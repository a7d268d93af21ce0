#include "FeatureList.h"

#include "cleanup/CleanupFeature.h"
#include "dashboard/DeliveryDashboardFeature.h"
#include "delivery/DeliveryFeature.h"
#include "details/DetailsFeature.h"
#include "email/EmailDashboardFeature.h"
#include "email/EmailEventsFeature.h"
#include "engines/EnginesFeature.h"
#include "failures/FailuresFeature.h"
#include "import/ImportFeature.h"
#include "outbox/OutboxFeature.h"
#include "plans/PlansFeature.h"
#include "queues/QueuesFeature.h"
#include "suppressions/SuppressionsFeature.h"
#include "upcoming/UpcomingFeature.h"

namespace herald {

QList<Feature *> createFeatures(QWidget *window, Settings *settings)
{
    // A new feature is one line here. The sections come in this order; so do the docks (tabbed, the first
    // in front), the status-bar widgets, and the actions of each menu place.
    return {
        new DeliveryFeature(window, window),            // first: it stops the old engine before a store changes
        new DeliveryDashboardFeature(window),           // Delivery dashboard (Ctrl+1): the console opens on it
        new QueuesFeature(window, window),              // Queues (Ctrl+2)
        new DetailsFeature(window, window),             // the Details dock
        new UpcomingFeature(window, window),            // the Upcoming dock
        new OutboxFeature(window),                      // Outbox (Ctrl+3)
        new EmailEventsFeature(settings, window, window), // E-mail events (Ctrl+4)
        new SuppressionsFeature(window),                // Suppressions (Ctrl+5)
        new EmailDashboardFeature(window),              // E-mail dashboard (Ctrl+6)
        new PlansFeature(window),                       // Event plans (Ctrl+7)
        new ImportFeature(window, window),              // File ▸ Import queue…
        new FailuresFeature(window),                    // Failures (Ctrl+8)
        new CleanupFeature(window, window),             // Tools ▸ Cleanup…
        new EnginesFeature(window),                     // Engines (Ctrl+9)
    };
}

} // namespace herald
