"""Seed page 000 (modules and configs): every code example runs as written and prints what it implies."""

import sys
import textwrap

import pytest

PAGE_PARTS = {}

PAGE_PARTS["imports"] = """
import sys
sys.path.insert(1, './..')

# Imports
import spark
import typing as tp
import jax.numpy as jnp
"""

PAGE_PARTS["minimal"] = """
class MyAwesomeModuleConfig(spark.nn.Config):
    pass

class MyAwesomeModule(spark.nn.Module):
    config: MyAwesomeModuleConfig       # <--- Default configuration class MUST always be indicated

    def __init__(self, config: MyAwesomeModuleConfig = None, **kwargs):
        super().__init__(config=config, **kwargs)       # <--- super().__init__ should always be invoked first as follows
"""

PAGE_PARTS["variables"] = """
class MyAwesomeModuleConfig(spark.nn.Config):
    foo: int
    bar: float = 2.0

class MyAwesomeModule(spark.nn.Module):
    config: MyAwesomeModuleConfig

    def __init__(self, config: MyAwesomeModuleConfig = None, **kwargs):
        super().__init__(config=config, **kwargs)
        #self.foo = jnp.array(self.config.foo) <--- # Will throw an error later when we start with JIT!.
        self.foo = spark.Constant(jnp.array(self.config.foo))
        self.bar = spark.Variable(jnp.array(self.config.bar))
"""

PAGE_PARTS["typed_call"] = """
class MyAwesomeOutput(tp.TypedDict):
    my_awesome_output: spark.FloatArray

class MyAwesomeModuleConfig(spark.nn.Config):
    foo: int
    bar: float = 2.0

class MyAwesomeModule(spark.nn.Module):
    config: MyAwesomeModuleConfig

    def __init__(self, config: MyAwesomeModuleConfig = None, **kwargs):
        super().__init__(config=config, **kwargs)
        self.foo = spark.Constant(jnp.array(self.config.foo))
        self.bar = spark.Variable(jnp.array(self.config.bar))

    def __call__(self, my_awesome_input: spark.FloatArray) -> MyAwesomeOutput:
        awesome_output = self.foo + self.bar + my_awesome_input
        return {
            'my_awesome_output': spark.FloatArray(awesome_output)
        }
"""

PAGE_PARTS["build"] = """
class MyAwesomeOutput(tp.TypedDict):
\tmy_awesome_output: spark.FloatArray

class MyAwesomeModuleConfig(spark.nn.Config):
\tfoo: int
\tbar: float = 2.0

class MyAwesomeModule(spark.nn.Module):
\tconfig: MyAwesomeModuleConfig

\tdef __init__(self, config: MyAwesomeModuleConfig = None, **kwargs):
\t\tsuper().__init__(config=config, **kwargs)
\t\tself.foo = spark.Constant(jnp.array(self.config.foo))

\tdef build(self, input_specs: dict[str, spark.InputSpec]):
\t\tmai_spec = input_specs['my_awesome_input']
\t\tself.bar = spark.Variable(
\t\t\tmai_spec.payload_type( self.config.bar * jnp.ones(mai_spec.shape) )
\t\t)

\tdef boring_non_typed_function(self, a, b, c):
\t\treturn a + b + c

\tdef __call__(self, my_awesome_input: spark.FloatArray) -> MyAwesomeOutput:
\t\tawesome_output = self.boring_non_typed_function(self.foo, self.bar, my_awesome_input)
\t\treturn {
\t\t\t'my_awesome_output': spark.FloatArray(awesome_output)
\t\t}
"""

PAGE_PARTS["three_methods"] = """
# Method 1
awesome = MyAwesomeModule(foo = 1)
my_awesome_input = spark.FloatArray(jnp.array(1))
res = awesome(my_awesome_input=my_awesome_input)
print(f'Method 1\\n {res['my_awesome_output'].value}\\n')

# Method 2
awesome_config = MyAwesomeModuleConfig(foo = 1)
awesome = MyAwesomeModule(config=awesome_config)
my_awesome_input = spark.FloatArray(jnp.arange(5))
res = awesome(my_awesome_input=my_awesome_input)
print(f'Method 2\\n {res['my_awesome_output'].value}\\n')

# Method 3
awesome_config = MyAwesomeModuleConfig(foo = 1)
awesome = MyAwesomeModule(config=awesome_config, bar=-1)
my_awesome_input = spark.FloatArray(jnp.arange(4).reshape(2,2))
res = awesome(my_awesome_input=my_awesome_input)
print(f'Method 3\\n {res['my_awesome_output'].value}\\n')
"""

PAGE_PARTS["validators"] = """
import dataclasses as dc

class MyAwesomeModuleConfig(spark.nn.Config):
    foo: int\t\t\t\t\t\t\t\t\t\t\t\t# <-- You can still mix it with non-fields.
    bar: float = dc.field(
        default = 2.0,
        metadata = {
\t\t\t'units': 'nA', \t\t\t\t\t\t\t\t\t# <-- nano Awesomes.
\t\t\t'valid_types': tp.Any,\t\t\t\t\t\t\t# <-- Valid broadcastable to one of your default types.
\t\t\t'validators': [\t\t\t
                spark.validation.TypeValidator,\t\t\t\t# <-- Extra logic to validate your configuration.
                spark.validation.PositiveValidator,
\t\t\t], \t\t
\t\t\t'description': 'My awesome bar',\t\t\t\t# <-- Text description of this variable.
\t\t}
\t)
    baz: list[int] = dc.field(
        default_factory = lambda : [i for i in range(10)]\t# <-- Factories are also useful to define variables.
\t)
    
try:
\tMyAwesomeModuleConfig(foo = 1, bar =-1)
except (TypeError, ValueError) as e:
    print(f'Oh now, something went wrong: {e}')
    
try:
\tMyAwesomeModuleConfig(foo = 1, bar = [2.0])
except (TypeError, ValueError) as e:
    print(f'Oh now, something went wrong: {e}')
"""

PAGE_PARTS["nested"] = """
import dataclasses as dc
import typing as tp

class ChildConfig(spark.nn.Config):
    foo: int
    bar: float = 2.0
    
class ParentConfig(spark.nn.Config):
    foo: int
    child_bar: ChildConfig
    child_baz: ChildConfig = dc.field(
        default_factory = lambda **kwargs: ChildConfig(**{**{'foo': 1}, **kwargs})\t
\t)
    
# Method 1
config = ParentConfig(foo=1, child_bar__foo=2, child_baz__foo=3)
print(f'Method 1\\n->Parent:\\t{config.foo}\\n--->Child Bar:\\t{config.child_bar.foo}\\n--->Child Baz:\\t{config.child_baz.foo}\\n')

# Method 2
config = ParentConfig(foo=4, child_bar={'foo':5}, child_baz={'foo':6})
print(f'Method 1\\n->Parent:\\t{config.foo}\\n--->Child Bar:\\t{config.child_bar.foo}\\n--->Child Baz:\\t{config.child_baz.foo}\\n')

# Method 3
config = ParentConfig(_s_foo=7)
print(f'Method 3\\n->Parent:\\t{config.foo}\\n--->Child Bar:\\t{config.child_bar.foo}\\n--->Child Baz:\\t{config.child_baz.foo}\\n')

# Method 4
bar = ChildConfig(foo=9)
baz = ChildConfig(foo=10)
config = ParentConfig(foo=8, child_bar=bar, child_baz=baz)
print(f'Method 4\\n->Parent:\\t{config.foo}\\n--->Child Bar:\\t{config.child_bar.foo}\\n--->Child Baz:\\t{config.child_baz.foo}\\n')
"""

PAGE_PARTS["register"] = """
# Final module is register as 'my_awesome_module'
@spark.register_module
class MyAwesomeModule(spark.nn.Module):
    pass
"""

PAGE_PARTS["register_named"] = """
# Final module is register as 'my_better_awesome_module'
@spark.register_module('my_even_more_awesome_module')
class MyAwesomeModule(spark.nn.Module):
    pass
"""

PAGE_PARTS["class_ref"] = """
class MyAwesomeModuleNotFollowingConvention(spark.nn.Config):
    __class_ref__ = 'my_even_more_awesome_module'
"""


def _source(part: str) -> str:
    src = PAGE_PARTS[part]
    if sys.version_info < (3, 12):  # the page's f-strings reuse quotes, which needs Python 3.12
        src = src.replace("res['my_awesome_output']", 'res["my_awesome_output"]')
    return textwrap.dedent(src)


@pytest.fixture
def page(tmp_path, monkeypatch):
    """Run the page's cells in order in one namespace, like a notebook."""
    from spark.core.registry import MODULES

    monkeypatch.chdir(tmp_path)
    saved = dict(MODULES._by_name)
    ns: dict = {"__name__": "seed_000"}

    def run(*parts):
        for part in parts:
            exec(compile(_source(part), f"<seed 000: {part}>", "exec"), ns)
        return ns

    yield run
    MODULES._by_name.clear()
    MODULES._by_name.update(saved)


def test_module_definitions_and_three_init_methods(page, capsys):
    page("imports", "minimal", "variables", "typed_call", "build", "three_methods")
    out = capsys.readouterr().out
    assert "Method 1\n 4.0\n" in out  # foo(1) + bar(2.0) + input(1)
    assert "Method 2\n [3. 4. 5. 6. 7.]" in out
    assert "Method 3\n [[0. 1.]\n [2. 3.]]" in out  # bar=-1 given as keyword wins over the config


def test_validators_reject_bad_values(page, capsys):
    page("imports", "validators")
    lines = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("Oh now")]
    assert len(lines) == 2
    assert "'bar' must be positive" in lines[0] and "-1" in lines[0]
    assert "'bar' must be of type float" in lines[1] and "[2.0]" in lines[1]


def test_nested_configs_four_ways(page, capsys):
    page("imports", "nested")
    out = capsys.readouterr().out
    blocks = [b for b in out.split("\n\n") if b.strip()]
    values = [[ln.split("\t")[-1] for ln in b.splitlines()[1:]] for b in blocks]
    assert values == [["1", "2", "3"], ["4", "5", "6"], ["7", "7", "7"], ["8", "9", "10"]]


def test_registration_and_class_ref(page):
    ns = page("imports", "register")
    from spark.core.registry import MODULES

    assert MODULES.get("my_awesome_module") is ns["MyAwesomeModule"]
    ns = page("register_named", "class_ref")
    assert MODULES.get("my_even_more_awesome_module") is ns["MyAwesomeModule"]
    assert ns["MyAwesomeModuleNotFollowingConvention"]().class_ref is ns["MyAwesomeModule"]
