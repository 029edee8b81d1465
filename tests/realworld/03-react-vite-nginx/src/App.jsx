export default function App() {
  return <h1>Shop front end</h1>;
}
