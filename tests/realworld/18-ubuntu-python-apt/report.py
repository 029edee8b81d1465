from jinja2 import Template

print(Template("Report for {{ name }}").render(name="weekly"))
