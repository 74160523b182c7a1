"""The columns of the platform's round template, by header: what the template writes, the
resources import, and the reader of townships' own workbooks maps their columns to."""

DEMAND_HEADERS = [
    "村（社区）",
    "需求类别",
    "需求名称",
    "具体内容",
    "紧急程度",
    "期望完成时间",
    "预计资金（元）",
    "联系人",
    "联系电话",
]
RESOURCE_HEADERS = ["第一书记所在村", "来源", "资源类别", "资源名称", "具体内容", "可提供规模", "有效期至"]
PROJECT_HEADERS = [
    "项目名称",
    "村（社区）",
    "状态",
    "项目类别",
    "预算（元）",
    "已争取资金（元）",
    "进度（%）",
    "开始日期",
    "完成日期",
    "成效",
]
