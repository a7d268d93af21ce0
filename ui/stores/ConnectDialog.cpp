#include "ConnectDialog.h"

#include "common/FormError.h"

#include "channels/SecretResolver.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace herald {

ConnectDialog::ConnectDialog(Settings *settings, QWidget *parent)
    : QDialog(parent),
      m_settings(settings),
      m_tabs(new QTabWidget(this)),
      m_path(new QLineEdit(this)),
      m_profiles(new QComboBox(this)),
      m_deleteProfile(new QPushButton(tr("&Delete profile"), this)),
      m_name(new QLineEdit(this)),
      m_kind(new QComboBox(this)),
      m_host(new QLineEdit(this)),
      m_port(new QSpinBox(this)),
      m_database(new QLineEdit(this)),
      m_user(new QLineEdit(this)),
      m_password(new QLineEdit(this)),
      m_remember(new QCheckBox(tr("Remember the password in the system &keychain"), this)),
      m_readOnly(new QCheckBox(tr("Open &read-only: inspect without workers, every action disabled"), this)),
      m_error(newErrorLabel(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Open | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("Open store"));

    // The file page.
    auto *filePage = new QWidget(m_tabs);
    m_path->setObjectName(QStringLiteral("path"));
    m_path->setPlaceholderText(tr("/path/to/herald.db"));
    m_path->setText(StoreUrl::defaultSqlitePath());
    m_path->setToolTip(tr("A Herald SQLite store; a file that does not exist yet is created (unless read-only)"));
    auto *browse = new QPushButton(tr("&Browse…"), filePage);
    connect(browse, &QPushButton::clicked, this, &ConnectDialog::browse);
    auto *pathRow = new QHBoxLayout;
    pathRow->addWidget(m_path, 1);
    pathRow->addWidget(browse);
    auto *fileForm = new QFormLayout(filePage);
    fileForm->addRow(tr("File:"), pathRow);
    m_tabs->addTab(filePage, tr("SQLite file"));

    // The server page.
    auto *serverPage = new QWidget(m_tabs);
    m_profiles->setObjectName(QStringLiteral("profiles"));
    m_profiles->addItem(tr("New profile"));
    for (const StoreProfile &p : m_settings->profiles())
        m_profiles->addItem(p.name, p.name);
    connect(m_profiles, &QComboBox::currentIndexChanged, this, &ConnectDialog::profileChosen);
    connect(m_deleteProfile, &QPushButton::clicked, this, &ConnectDialog::deleteProfile);
    m_deleteProfile->setEnabled(false);
    auto *profileRow = new QHBoxLayout;
    profileRow->addWidget(m_profiles, 1);
    profileRow->addWidget(m_deleteProfile);
    m_name->setObjectName(QStringLiteral("profileName"));
    m_name->setPlaceholderText(tr("e.g. production"));
    m_name->setToolTip(tr("The profile is saved under this name when the store is opened"));
    m_kind->setObjectName(QStringLiteral("kind"));
    m_kind->addItem(tr("PostgreSQL"), int(StoreUrl::Kind::Postgres));
    m_kind->addItem(tr("MySQL / MariaDB"), int(StoreUrl::Kind::Mysql));
    m_host->setObjectName(QStringLiteral("host"));
    m_host->setPlaceholderText(tr("db.example.com"));
    m_port->setObjectName(QStringLiteral("port"));
    m_port->setRange(0, 65535);
    m_port->setSpecialValueText(tr("default"));
    m_database->setObjectName(QStringLiteral("database"));
    m_database->setPlaceholderText(tr("herald"));
    m_user->setObjectName(QStringLiteral("user"));
    m_password->setObjectName(QStringLiteral("password"));
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setPlaceholderText(tr("from the keychain, if remembered"));
    m_remember->setObjectName(QStringLiteral("rememberPassword"));
    auto *serverForm = new QFormLayout(serverPage);
    serverForm->addRow(tr("Profile:"), profileRow);
    serverForm->addRow(tr("&Name:"), m_name);
    serverForm->addRow(tr("&Server:"), m_kind);
    serverForm->addRow(tr("&Host:"), m_host);
    serverForm->addRow(tr("P&ort:"), m_port);
    serverForm->addRow(tr("D&atabase:"), m_database);
    serverForm->addRow(tr("&User:"), m_user);
    serverForm->addRow(tr("Pass&word:"), m_password);
    serverForm->addRow(QString(), m_remember);
    m_tabs->addTab(serverPage, tr("PostgreSQL or MySQL server"));

    m_readOnly->setObjectName(QStringLiteral("readOnly"));

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_tabs);
    layout->addWidget(m_readOnly);
    layout->addWidget(m_error);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &ConnectDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &ConnectDialog::reject);
    for (QLineEdit *edit : {m_path, m_name, m_host, m_database, m_user, m_password})
        connect(edit, &QLineEdit::textEdited, m_error, &QLabel::hide);
    connect(m_tabs, &QTabWidget::currentChanged, m_error, &QLabel::hide);
    setMinimumWidth(fontMetrics().averageCharWidth() * 80);
}

ConnectDialog::~ConnectDialog()
{
    // A keychain job still running finishes on its own thread; its answer has nowhere to go.
    m_keychain.disconnect(this);
}

void ConnectDialog::setPage(Page page)
{
    m_tabs->setCurrentIndex(int(page));
}

void ConnectDialog::setFilePath(const QString &path)
{
    m_path->setText(path);
}

void ConnectDialog::setReadOnly(bool readOnly)
{
    m_readOnly->setChecked(readOnly);
}

bool ConnectDialog::readOnly() const
{
    return m_readOnly->isChecked();
}

void ConnectDialog::selectProfile(const QString &name)
{
    setPage(Page::Server);
    const int index = m_profiles->findData(name);
    if (index >= 0)
        m_profiles->setCurrentIndex(index);
}

QString ConnectDialog::errorText() const
{
    return errorLabelText(m_error);
}

void ConnectDialog::showError(const QString &message)
{
    m_error->setText(message);
    m_error->show();
}

void ConnectDialog::browse()
{
    const QString folder = m_path->text().isEmpty() ? m_settings->lastFolder() : QFileInfo(m_path->text()).absolutePath();
    const QString path = QFileDialog::getOpenFileName(this, tr("Open store"), folder, tr("Herald stores (*.db *.sqlite *.sqlite3);;All files (*)"));
    if (path.isEmpty())
        return;
    m_path->setText(path);
    m_settings->setLastFolder(QFileInfo(path).absolutePath());
}

void ConnectDialog::profileChosen(int index)
{
    m_error->hide();
    const QString name = m_profiles->itemData(index).toString();
    m_deleteProfile->setEnabled(!name.isEmpty());
    const std::optional<StoreProfile> p = name.isEmpty() ? std::nullopt : m_settings->profile(name);
    const StoreProfile shown = p.value_or(StoreProfile{});
    m_name->setText(shown.name);
    m_kind->setCurrentIndex(m_kind->findData(int(shown.kind)));
    m_host->setText(shown.host);
    m_port->setValue(shown.port);
    m_database->setText(shown.database);
    m_user->setText(shown.user);
    m_password->clear();
    m_remember->setChecked(shown.savePassword);
}

void ConnectDialog::deleteProfile()
{
    const QString name = m_profiles->currentData().toString();
    const std::optional<StoreProfile> p = m_settings->profile(name);
    if (!p)
        return;
    m_settings->removeProfile(name);
    if (p->savePassword) {
        // Fire and forget: a keychain that fails to delete leaves an entry nothing refers to.
        (void)QtConcurrent::run([key = p->keychainKey()] { return SecretResolver::removeFromKeychain(key); });
    }
    m_profiles->removeItem(m_profiles->currentIndex());
    m_profiles->setCurrentIndex(0);
}

StoreProfile ConnectDialog::typedProfile() const
{
    StoreProfile p;
    p.name = m_name->text().trimmed();
    p.kind = StoreUrl::Kind(m_kind->currentData().toInt());
    p.host = m_host->text().trimmed();
    p.port = m_port->value();
    p.database = m_database->text().trimmed();
    p.user = m_user->text().trimmed();
    p.savePassword = m_remember->isChecked();
    return p;
}

void ConnectDialog::setBusy(bool busy)
{
    m_buttons->button(QDialogButtonBox::Open)->setEnabled(!busy);
    m_tabs->setEnabled(!busy);
    setCursor(busy ? Qt::BusyCursor : Qt::ArrowCursor);
}

void ConnectDialog::accept()
{
    if (m_keychain.isRunning())
        return;
    if (m_tabs->currentIndex() == int(Page::File)) {
        const QString path = m_path->text().trimmed();
        if (path.isEmpty()) {
            showError(tr("Give the store's file, e.g. %1").arg(StoreUrl::defaultSqlitePath()));
            m_path->setFocus();
            return;
        }
        const QFileInfo info(path);
        if (info.isDir()) {
            showError(tr("%1 is a folder; give the path of a database file, e.g. %1/herald.db").arg(path));
            m_path->setFocus();
            return;
        }
        if (readOnly() && !info.exists()) {
            showError(tr("%1 does not exist; a store opened read-only must be an existing Herald file").arg(path));
            m_path->setFocus();
            return;
        }
        m_url = StoreUrl::sqlite(path);
        m_profileName.clear();
        QDialog::accept();
        return;
    }

    const StoreProfile profile = typedProfile();
    if (auto s = profile.validate(); !s) {
        showError(s.errorString());
        (profile.name.isEmpty() ? m_name : profile.host.isEmpty() ? m_host : m_database)->setFocus();
        return;
    }
    const QString typed = m_password->text();
    if (!typed.isEmpty() || !profile.savePassword) {
        finishServer(profile, typed);
        return;
    }
    // No password typed, one remembered: read it from the keychain, off the GUI thread.
    setBusy(true);
    m_keychain.disconnect(this);
    connect(&m_keychain, &QFutureWatcher<Result<QString>>::finished, this, [this, profile] {
        setBusy(false);
        const Result<QString> password = m_keychain.result();
        if (!password) {
            showError(tr("The password of profile %1 could not be read: %2. Type it, and it is stored again.")
                          .arg(profile.name, password.errorString()));
            m_password->setFocus();
            return;
        }
        finishServer(profile, *password);
    });
    m_keychain.setFuture(QtConcurrent::run([key = profile.keychainKey()] { return SecretResolver::resolve(QStringLiteral("keychain:") + key); }));
}

void ConnectDialog::finishServer(const StoreProfile &profile, const QString &password)
{
    auto url = profile.url(password);
    if (!url) {
        showError(url.errorString());
        return;
    }
    m_settings->saveProfile(profile);
    m_url = *url;
    m_profileName = profile.name;
    if (profile.savePassword && !m_password->text().isEmpty()) {
        // Stored in the background; a keychain that refuses is reported, and the store opens anyway.
        setBusy(true);
        auto *writer = new QFutureWatcher<Status>(this);
        connect(writer, &QFutureWatcher<Status>::finished, this, [this, writer, name = profile.name] {
            writer->deleteLater();
            setBusy(false);
            const Status stored = writer->result();
            if (!stored) {
                showError(tr("Profile %1 is saved, but its password is not: %2. Clear “Remember the password” or start a "
                             "keychain service, then open again.")
                              .arg(name, stored.errorString()));
                return;
            }
            QDialog::accept();
        });
        writer->setFuture(QtConcurrent::run([key = profile.keychainKey(), password] { return SecretResolver::storeInKeychain(key, password); }));
        return;
    }
    QDialog::accept();
}

} // namespace herald
