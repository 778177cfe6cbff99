"""The three audiences of the platform and their menus (header navigation and home cards).

Each entry names the path its page will have. Until a router serves that path, the entry is
shown as "即将开放" (coming soon) instead of a link, so the shell never links to a 404; when the
page lands, the entry becomes a link without touching this file.
"""

from __future__ import annotations

from dataclasses import dataclass

from jobs_api.web.i18n import N_


@dataclass(frozen=True, slots=True)
class MenuItem:
    label: str
    path: str
    roles: frozenset[str] | None = None  # the roles that see the entry once signed in (None: all)

    def shown_to(self, role: str | None) -> bool:
        return self.roles is None or role in self.roles


@dataclass(frozen=True, slots=True)
class RoleMenu:
    key: str
    label: str
    summary: str
    login_label: str
    items: tuple[MenuItem, ...]


ROLE_MENUS: tuple[RoleMenu, ...] = (
    RoleMenu(
        key="graduate",
        label=N_("毕业生"),
        summary=N_("搜索职位、获取个性化推荐、在线投递与签约，获得就业指导。"),
        login_label=N_("毕业生登录"),
        items=(
            MenuItem(N_("职位搜索"), "/jobs"),
            MenuItem(N_("为你推荐"), "/recommendations"),
            MenuItem(N_("我的申请"), "/me/applications"),
            MenuItem(N_("专场招聘会"), "/fairs"),
            MenuItem(N_("就业指导"), "/guidance"),
            MenuItem(N_("个人资料"), "/me/profile"),
            MenuItem(N_("我的简历"), "/me/resumes"),
        ),
    ),
    RoleMenu(
        key="employer",
        label=N_("用人单位"),
        summary=N_("完成单位认证，发布与管理职位，筛选候选人，参加专场招聘会。"),
        login_label=N_("用人单位登录"),
        items=(
            MenuItem(N_("单位认证"), "/employer/verification"),
            MenuItem(N_("职位管理"), "/employer/jobs"),
            MenuItem(N_("投递管理"), "/employer/applications"),
            MenuItem(N_("候选人"), "/employer/candidates"),
            MenuItem(N_("专场招聘会"), "/employer/fairs"),
        ),
    ),
    RoleMenu(
        key="office",
        label=N_("就业指导中心·管理部门"),
        summary=N_("审核用人单位与指导内容，管理学籍信息，跟踪毕业去向与就业统计。"),
        login_label=N_("指导中心·管理部门登录"),
        items=(
            MenuItem(N_("单位审核"), "/review/employers"),
            MenuItem(N_("学籍管理"), "/office/registry"),
            MenuItem(N_("毕业生名单"), "/office/graduates"),
            MenuItem(N_("账号预开通"), "/office/preactivate", frozenset({"career_office"})),
            MenuItem(N_("招聘会管理"), "/office/fairs"),
            MenuItem(N_("就业统计"), "/office/statistics"),
            MenuItem(N_("内容审核"), "/office/content-reviews"),
        ),
    ),
)

ROLE_KEYS: tuple[str, ...] = tuple(menu.key for menu in ROLE_MENUS)

# Links in the main navigation for everyone, signed in or not (after 首页).
TOP_LINKS: tuple[MenuItem, ...] = (MenuItem(N_("找工作"), "/jobs"),)


# The pages of a signed-in area, shown as tabs above them (the first one is the area's home).
AREA_MENUS: dict[str, tuple[MenuItem, ...]] = {
    "graduate": (
        MenuItem(N_("我的主页"), "/me"),
        MenuItem(N_("为你推荐"), "/recommendations"),
        MenuItem(N_("个人资料"), "/me/profile"),
        MenuItem(N_("我的简历"), "/me/resumes"),
        MenuItem(N_("隐私与授权"), "/me/privacy"),
        MenuItem(N_("我的申请"), "/me/applications"),
        MenuItem(N_("消息中心"), "/me/inbox"),
        MenuItem(N_("通知设置"), "/me/notifications"),
        MenuItem(N_("我的面试"), "/me/interviews"),
        MenuItem(N_("录用与签约"), "/me/offers"),
    ),
    "office": (
        MenuItem(N_("工作台"), "/office"),
        MenuItem(N_("学籍管理"), "/office/registry"),
        MenuItem(N_("毕业生名单"), "/office/graduates"),
        MenuItem(N_("账号预开通"), "/office/preactivate", frozenset({"career_office"})),
        MenuItem(N_("签约审核"), "/office/agreements"),
        MenuItem(N_("招聘会管理"), "/office/fairs"),
    ),
    "employer": (
        MenuItem(N_("单位主页"), "/employer"),
        MenuItem(N_("职位管理"), "/employer/jobs"),
        MenuItem(N_("投递管理"), "/employer/applications"),
        MenuItem(N_("候选人"), "/employer/candidates"),
        MenuItem(N_("面试日程"), "/employer/interviews"),
        MenuItem(N_("录用与签约"), "/employer/agreements"),
        MenuItem(N_("专场招聘会"), "/employer/fairs"),
    ),
}
